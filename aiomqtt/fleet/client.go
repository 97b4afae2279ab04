package fleet

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/control/api"
)

// Settings say how a client reaches the broker.
type Settings struct {
	Broker       string `json:"broker"`
	CA           string `json:"ca,omitempty"`
	Cert         string `json:"cert,omitempty"`
	Key          string `json:"key,omitempty"`
	User         string `json:"user,omitempty"`
	PasswordFile string `json:"password_file,omitempty"`
}

// Client is the steering side of a fleet: it lists devices from their
// retained topics and sends them requests. It links nothing of the
// device side (control, aioctl…), so the aioctl CLI can use it.
type Client struct {
	cm    *autopaho.ConnectionManager
	reply string // this client's response topic

	mu      sync.Mutex
	pending map[string]chan *api.Response // correlation → answer
	seen    map[string][]byte             // retained topic → payload
	last    time.Time                     // when the last retained message came
	onLog   func(device string, e api.Event)
	// onChange is told each retained message (OnChange).
	onChange func(topic string, payload []byte)
	onConn   func(err error)
	// subs are the client's subscriptions, topic → QoS: the session ends
	// with the connection, so they are made again on every reconnection.
	subs   map[string]byte
	ups    int            // connections made so far
	resubs sync.WaitGroup // resubscriptions under way, for Close
}

// ErrBrokerURL is what Dial's error wraps when the broker URL is not one it
// can use (not a URL, a scheme MQTT does not speak, a port that is not 1
// to 65535): the caller's mistake, not the broker's or the network's.
var ErrBrokerURL = errors.New("fleet: bad broker URL")

// brokerURLError is an ErrBrokerURL with its own message.
type brokerURLError struct{ msg string }

func (e *brokerURLError) Error() string { return e.msg }
func (e *brokerURLError) Unwrap() error { return ErrBrokerURL }

// Dial connects to the broker of s and returns once connected (or ctx ends).
// A broker URL it cannot use is an error wrapping ErrBrokerURL.
func Dial(ctx context.Context, s Settings) (*Client, error) {
	u, err := url.Parse(s.Broker)
	if err != nil || u.Host == "" {
		return nil, &brokerURLError{fmt.Sprintf("fleet: broker %q: want a URL like mqtt://host:1883", s.Broker)}
	}
	if !slices.Contains(Schemes, strings.ToLower(u.Scheme)) {
		return nil, &brokerURLError{fmt.Sprintf("fleet: broker %s: scheme %q: want one of %s", u.Redacted(), u.Scheme, strings.Join(Schemes, ", "))}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, &brokerURLError{fmt.Sprintf("fleet: broker %s: port %q: want a number from 1 to 65535", u.Redacted(), p)}
		}
	}
	tc, err := clientTLS(s)
	if err != nil {
		return nil, err
	}
	var pw []byte
	if s.PasswordFile != "" {
		b, err := os.ReadFile(s.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: password_file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		pw = []byte(strings.TrimSpace(line))
	}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	c := &Client{reply: Root + "client-" + hex.EncodeToString(nonce) + "/reply",
		pending: map[string]chan *api.Response{}, seen: map[string][]byte{}, subs: map[string]byte{}}
	up := make(chan struct{})
	var once sync.Once
	// The first failed attempt ends Dial: a CLI user wants "connection
	// refused" or "not authorized" now, not a timeout that names no cause.
	failed := make(chan error, 1)
	cfg := autopaho.ClientConfig{
		ServerUrls: []*url.URL{u}, TlsCfg: tc, KeepAlive: 30,
		CleanStartOnInitialConnection: true,
		ConnectUsername:               s.User, ConnectPassword: pw,
		ReconnectBackoff: autopaho.NewConstantBackoff(500 * time.Millisecond),
		ConnectTimeout:   5 * time.Second,
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			once.Do(func() { close(up) })
			c.reconnected(cm)
		},
		OnConnectionDown: func() bool {
			c.mu.Lock()
			fn := c.onConn
			c.mu.Unlock()
			if fn != nil {
				fn(errConnectionLost)
			}
			return true
		},
		OnConnectError: func(err error) {
			select {
			case failed <- err:
			default:
			}
		},
		ClientConfig: paho.ClientConfig{
			ClientID:          "aioctl-" + hex.EncodeToString(nonce),
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){c.receive},
		},
	}
	c.cm, err = autopaho.NewConnection(context.WithoutCancel(ctx), cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-up:
	case err := <-failed:
		c.Close()
		return nil, fmt.Errorf("fleet: connecting to %s: %w%s", u.Redacted(), RedactConnectError(err, u), tlsHint(u, err))
	case <-ctx.Done():
		c.Close()
		return nil, fmt.Errorf("fleet: connecting to %s: no answer from the broker: %w", u.Redacted(), ctx.Err())
	}
	if err := c.subscribe(ctx, paho.SubscribeOptions{Topic: c.reply, QoS: 1}); err != nil {
		c.Close()
		return nil, fmt.Errorf("fleet: subscribing to replies: %w", err)
	}
	return c, nil
}

func clientTLS(s Settings) (*tls.Config, error) {
	if s.CA == "" && s.Cert == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.CA != "" {
		pem, err := os.ReadFile(s.CA)
		if err != nil {
			return nil, fmt.Errorf("fleet: ca: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fleet: ca %s: no PEM certificate", s.CA)
		}
	}
	if s.Cert != "" {
		kp, err := tls.LoadX509KeyPair(s.Cert, s.Key)
		if err != nil {
			return nil, fmt.Errorf("fleet: cert/key: %w", err)
		}
		c.Certificates = []tls.Certificate{kp}
	}
	return c, nil
}

// Schemes are the broker URL schemes Dial takes: mqtt and tcp plain,
// mqtts, ssl and tls over TLS, ws and wss over WebSocket.
var Schemes = []string{"mqtt", "tcp", "mqtts", "ssl", "tls", "ws", "wss"}

var errConnectionLost = errors.New("connection to the broker lost; reconnecting")

// OnConnection sets fn to be called, on a goroutine of the client, with an
// error when the connection to the broker is lost and with nil when it is
// back (and the client's subscriptions are made again).
func (c *Client) OnConnection(fn func(err error)) {
	c.mu.Lock()
	c.onConn = fn
	c.mu.Unlock()
}

// subscribe subscribes and keeps the subscriptions for reconnections.
func (c *Client) subscribe(ctx context.Context, subs ...paho.SubscribeOptions) error {
	c.mu.Lock()
	for _, s := range subs {
		c.subs[s.Topic] = s.QoS
	}
	c.mu.Unlock()
	_, err := c.cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs})
	return err
}

// reconnected makes the subscriptions again after a reconnection: the
// broker kept no session (clean start), so without them replies and log
// lines would stop coming.
func (c *Client) reconnected(cm *autopaho.ConnectionManager) {
	c.mu.Lock()
	c.ups++
	first := c.ups == 1
	var subs []paho.SubscribeOptions
	for t, q := range c.subs {
		subs = append(subs, paho.SubscribeOptions{Topic: t, QoS: q})
	}
	fn := c.onConn
	c.mu.Unlock()
	if first {
		return
	}
	c.resubs.Add(1)
	go func() { // not on the callback: Subscribe waits for the broker
		defer c.resubs.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		if len(subs) > 0 {
			_, err = cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs})
		}
		if fn != nil {
			if err != nil {
				err = fmt.Errorf("subscribing again after a reconnection: %w", err)
			}
			fn(err)
		}
	}()
}

// Close disconnects.
func (c *Client) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.cm.Disconnect(ctx)
	<-c.cm.Done()
	c.resubs.Wait()
}

func (c *Client) receive(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	if p.Topic == c.reply {
		var r api.Response
		if p.Properties == nil || json.Unmarshal(p.Payload, &r) != nil {
			return true, nil
		}
		c.mu.Lock()
		ch := c.pending[string(p.Properties.CorrelationData)]
		delete(c.pending, string(p.Properties.CorrelationData))
		c.mu.Unlock()
		if ch != nil {
			ch <- &r
		}
		return true, nil
	}
	if id, ok := DeviceOf(p.Topic); ok && p.Topic == LogTopic(id) {
		var e api.Event
		c.mu.Lock()
		fn := c.onLog
		c.mu.Unlock()
		if fn != nil && json.Unmarshal(p.Payload, &e) == nil {
			fn(id, e)
		}
		return true, nil
	}
	c.mu.Lock()
	if len(p.Payload) == 0 {
		delete(c.seen, p.Topic)
	} else {
		c.seen[p.Topic] = p.Payload
	}
	c.last = time.Now()
	changed := c.onChange
	c.mu.Unlock()
	if changed != nil {
		changed(p.Topic, p.Payload)
	}
	return true, nil
}

// OnChange sets fn (nil: none), called with every message of the
// subscriptions made by Retained as it comes (a device's $state, a
// task's value, its stats; an empty payload: the topic was cleared), on
// the client's goroutine: fn must not block. aioctl top redraws on it
// instead of polling the broker.
func (c *Client) OnChange(fn func(topic string, payload []byte)) {
	c.mu.Lock()
	c.onChange = fn
	c.mu.Unlock()
}

// tlsHint explains a TLS connection that ended before its handshake did:
// the broker's port speaks plain MQTT (or the broker closed on the TLS
// hello), and "EOF" alone says nothing of that.
func tlsHint(u *url.URL, err error) string {
	switch strings.ToLower(u.Scheme) {
	case "mqtts", "ssl", "tls", "wss":
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return " (the broker closed the connection during the TLS handshake: is " + u.Host + " a TLS port? mqtt:// is plain MQTT)"
		}
	}
	return ""
}
