// Package broker is the embedded MQTT broker of aiotools' fleet mode: a
// mochi-mqtt/server/v2 server on one TCP listener, for `aiotools broker`,
// `aiotools demo --fleet N` and tests. It lets anyone connect and
// publish anything: it is meant for loopback and trusted networks; a
// fleet beyond that runs on a broker with TLS and ACLs (mosquitto: see
// the README).
package broker

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// Broker is a running embedded broker.
type Broker struct {
	srv  *mqtt.Server
	ln   *guardedListener
	once sync.Once
	err  error
}

// Start listens on addr ("127.0.0.1:1883"; port 0 picks a free one) and
// serves MQTT 3.1.1 and 5 until Close. logger gets the broker's own log
// (nil: none).
func Start(addr string, logger *slog.Logger) (*Broker, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	gl := &guardedListener{Listener: ln}
	srv := mqtt.New(&mqtt.Options{Logger: logger})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		ln.Close()
		return nil, err
	}
	if err := srv.AddHook(new(retainGuard), nil); err != nil { // retainguard.go
		ln.Close()
		return nil, err
	}
	if err := srv.AddListener(&netListener{Net: listeners.NewNet("tcp", gl), srv: srv}); err != nil { // guard.go
		ln.Close()
		return nil, err
	}
	if err := srv.Serve(); err != nil {
		ln.Close()
		return nil, err
	}
	return &Broker{srv: srv, ln: gl}, nil
}

// Addr is the address the broker listens on (127.0.0.1:PORT).
func (b *Broker) Addr() string { return b.ln.Addr().String() }

// URL is the broker's URL for clients: mqtt://127.0.0.1:PORT.
func (b *Broker) URL() string { return "mqtt://" + b.Addr() }

// Close disconnects every client and stops the broker; retained messages
// are gone with it (it keeps nothing on disk).
func (b *Broker) Close() error {
	b.once.Do(func() {
		// The listener first: a client reconnecting at once would else be
		// accepted by the closing server and left hanging (mochi's accept
		// loop drops, without closing, what it accepts once ended).
		// Then wait for the connections already accepted to reach mochi
		// (guard.go: its Close races with a connection's start).
		b.ln.quiesce(2 * time.Second)
		b.err = b.srv.Close()
		if errors.Is(b.err, net.ErrClosed) {
			b.err = nil
		}
	})
	return b.err
}
