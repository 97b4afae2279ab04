package control_test

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// reconnectFlood opens n connections to addr that send nothing and open
// again at once when they are closed: by the server, or by themselves
// after a silent while between hold and 2×hold (each its own, so they do
// not all reconnect in one herd), until stop is closed (or 10 s pass). It
// returns once each has reconnected at least once, so that the churn is
// going on when the caller's clients connect, and a wait for the end.
func reconnectFlood(t *testing.T, addr string, n int, hold time.Duration, stop <-chan struct{}) (wait func()) {
	t.Helper()
	var wg sync.WaitGroup
	var up sync.WaitGroup
	end := time.Now().Add(10 * time.Second)
	up.Add(n)
	for i := range n {
		wg.Go(func() {
			conns := 0
			defer func() {
				if conns < 2 {
					up.Done() // stopped before it reconnected
				}
			}()
			for time.Now().Before(end) {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.DialTimeout("tcp", addr, time.Second)
				if conns++; conns == 2 {
					up.Done()
				}
				if err != nil {
					continue
				}
				dl := time.Now().Add(hold + hold*time.Duration(i)/time.Duration(n))
				if dl.After(end) {
					dl = end
				}
				c.SetReadDeadline(dl)
				go func() { <-stop; c.Close() }()
				io.Copy(io.Discard, c) // until the server, the deadline or stop closes it
				c.Close()
			}
		})
	}
	up.Wait()
	return wg.Wait
}

// TestReconnectingFloodDoesNotShutOut: 300 connections without the token
// that send nothing and reconnect as soon as they are closed do not keep
// clients with the token out, plain or over TLS (where a client has no
// whole request head until its handshake is done): they stay below the
// budget of connections without a head (16 × MaxConns), so none of them
// takes a client's place, however fast they churn.
//
// The flood closes its connections itself, every 100 to 200 ms, and the
// clients connect while it churns. It used to wait for the server to cut
// them after the ReadHeaderTimeout of a second: the clients were then
// mostly served before any reconnected, and on a loaded machine (load 23)
// a client's own TLS handshake could outlast that second and be cut as
// the silent ones are, which is the documented limit (control's doc, the
// README), not a shut-out. The server here gives heads a minute: what
// this test proves is that the flood takes no client's place, not how
// fast a loaded machine does a handshake (TestSilentConnectionsCutQuickly
// holds the default of a second).
func TestReconnectingFloodDoesNotShutOut(t *testing.T) {
	const token = "0123456789abcdef-secret"
	cert, pool := selfSigned(t)
	for _, tc := range []struct {
		name string
		srv  *tls.Config
		cl   *tls.Config
	}{
		{"plain", nil, nil},
		{"tls", &tls.Config{Certificates: []tls.Certificate{cert}}, &tls.Config{RootCAs: pool}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProgram(t)
			p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token, TLS: tc.srv, ReadHeaderTimeout: time.Minute})
			addr := p.srv.Addr().String()
			stop := make(chan struct{})
			wait := reconnectFlood(t, addr, 300, 100*time.Millisecond, stop)
			servedAll(t, 20, client.Options{Addr: addr, Token: token, TLS: tc.cl})
			close(stop)
			wait()
		})
	}
}
