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
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
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

// Dial connects to the broker of s and returns once connected (or ctx ends).
func Dial(ctx context.Context, s Settings) (*Client, error) {
	u, err := url.Parse(s.Broker)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("fleet: broker %q: want a URL like mqtt://host:1883", s.Broker)
	}
	if !slices.Contains(Schemes, strings.ToLower(u.Scheme)) {
		return nil, fmt.Errorf("fleet: broker %s: scheme %q: want one of %s", u.Redacted(), u.Scheme, strings.Join(Schemes, ", "))
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
		return nil, fmt.Errorf("fleet: connecting to %s: %w", u.Redacted(), err)
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

// Device is what a fleet listing shows of one device.
type Device struct {
	ID string `json:"id"`
	// Status is ONLINE ($state ready), INIT, OFFLINE (disconnected) or
	// LOST (the will: it died or its network did).
	Status string `json:"status"`
	// State is the raw Homie $state.
	State string `json:"state"`
	// LastSeen is the time of the device's last stats (zero: none).
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Uptime is the device's uptime at LastSeen.
	Uptime time.Duration `json:"uptime_ns,omitempty"`
	// Tasks counts the device's tasks by state (from Homie's topics).
	Tasks map[string]int `json:"tasks"`
	// Stats is the device's last stats document (aiotools/ID/stats: the
	// program's api.Stats, as `aioctl stats -o json` prints it), nil
	// before the first.
	Stats *api.Stats `json:"stats,omitempty"`
}

var statusOf = map[string]string{StateReady: "ONLINE", StateInit: "INIT", StateDisconnected: "OFFLINE", StateLost: "LOST"}

// settle is how long Retained waits after the last retained message.
const settle = 150 * time.Millisecond

// Retained subscribes to the topic filters and returns the retained
// messages the broker holds under them, by topic, once they stop coming
// (a quiet spell of 150 ms after the subscription). Later calls see the
// live updates of earlier subscriptions too.
func (c *Client) Retained(ctx context.Context, filters ...string) (map[string][]byte, error) {
	subs := make([]paho.SubscribeOptions, len(filters))
	for i, f := range filters {
		subs[i] = paho.SubscribeOptions{Topic: f, QoS: 1}
	}
	if err := c.subscribe(ctx, subs...); err != nil {
		return nil, fmt.Errorf("fleet: subscribing: %w", err)
	}
	c.mu.Lock()
	c.last = time.Now()
	c.mu.Unlock()
	for {
		c.mu.Lock()
		quiet := time.Since(c.last)
		c.mu.Unlock()
		if quiet >= settle {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(settle - quiet):
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]byte{}
	for t, p := range c.seen {
		for _, f := range filters {
			if TopicMatch(f, t) {
				out[t] = p
				break
			}
		}
	}
	return out, nil
}

// TopicMatch reports whether topic matches the MQTT filter (+ and #).
func TopicMatch(filter, topic string) bool {
	fs, ts := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, f := range fs {
		if f == "#" {
			return true
		}
		if i >= len(ts) || f != "+" && f != ts[i] {
			return false
		}
	}
	return len(fs) == len(ts)
}

// Devices lists the devices whose id matches pattern ('*' matches any
// run of characters; "" is every device), sorted by id, from the retained
// topics the broker holds: $state, each task's state, the stats.
func (c *Client) Devices(ctx context.Context, pattern string) ([]Device, error) {
	seen, err := c.Retained(ctx, HomieRoot+"+/$state", HomieRoot+"+/+/state", Root+"+/stats")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Device{}
	for topic, payload := range seen {
		id, ok := DeviceOf(topic)
		if !ok || !MatchID(pattern, id) {
			continue
		}
		d := byID[id]
		if d == nil {
			d = &Device{ID: id, Tasks: map[string]int{}}
			byID[id] = d
		}
		switch {
		case topic == StateTopic(id):
			d.State = string(payload)
		case topic == StatsTopic(id):
			var s api.Stats
			if json.Unmarshal(payload, &s) == nil {
				d.Stats = &s
				d.LastSeen, d.Uptime = s.Time, time.Duration(s.UptimeSeconds*float64(time.Second))
			}
		case strings.HasSuffix(topic, "/state"):
			d.Tasks[string(payload)]++
		}
	}
	var out []Device
	for _, d := range byID {
		if d.State == "" {
			continue // stats or values without a $state: no Homie device
		}
		d.Status = statusOf[d.State]
		if d.Status == "" {
			d.Status = strings.ToUpper(d.State)
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Device) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// MatchID reports whether the device id matches pattern: "" and "*"
// match all, '*' any run of characters, '?' one (path.Match).
func MatchID(pattern, id string) bool {
	if pattern == "" {
		return true
	}
	ok, err := path.Match(pattern, id)
	return err == nil && ok
}

// Answer is one device's answer to a request.
type Answer struct {
	Device   string        `json:"device"`
	Response *api.Response `json:"response,omitempty"`
	// Err is set when no answer came (timeout) or the request could not go.
	Err error `json:"-"`
}

// ErrNoAnswer is the error of a device that did not answer in time.
var ErrNoAnswer = errors.New("no answer")

// Exec sends argv to every device in devices at once and waits for the
// answers until ctx ends; the answers are in the order of devices, those
// that did not come with Err ErrNoAnswer.
func (c *Client) Exec(ctx context.Context, devices []string, argv []string, opt api.Options) []Answer {
	payload := EncodeRequest(argv, opt)
	out := make([]Answer, len(devices))
	chans := make([]chan *api.Response, len(devices))
	corrs := make([]string, len(devices))
	defer func() { // answers that never came: forget them
		c.mu.Lock()
		for _, k := range corrs {
			delete(c.pending, k)
		}
		c.mu.Unlock()
	}()
	for i, id := range devices {
		out[i].Device = id
		corr := make([]byte, 12)
		rand.Read(corr)
		ch := make(chan *api.Response, 1)
		chans[i], corrs[i] = ch, string(corr)
		c.mu.Lock()
		c.pending[string(corr)] = ch
		c.mu.Unlock()
		_, err := c.cm.Publish(ctx, &paho.Publish{Topic: CtlTopic(id), QoS: 1, Payload: payload,
			Properties: &paho.PublishProperties{ResponseTopic: c.reply, CorrelationData: corr, ContentType: ContentJSON}})
		if err != nil {
			out[i].Err = err
			c.mu.Lock()
			delete(c.pending, string(corr))
			c.mu.Unlock()
		}
	}
	for i, ch := range chans {
		if out[i].Err != nil {
			continue
		}
		select {
		case r := <-ch:
			out[i].Response = r
		case <-ctx.Done():
			out[i].Err = ErrNoAnswer
		}
	}
	return out
}

// FollowLease is how long a device follows its log for one streaming
// request; Follow renews it at a third of that.
const FollowLease = 60 * time.Second

// Follow asks each device to follow its log with the streaming command
// argv (log -f GREP) and calls fn with every line, on the client's
// goroutine, until ctx ends; it renews the devices' follows while it runs
// and stops them at the end. The first answers are returned as Exec's.
func (c *Client) Follow(ctx context.Context, devices, argv []string, fn func(device string, e api.Event)) []Answer {
	c.mu.Lock()
	c.onLog = fn
	c.mu.Unlock()
	subs := make([]paho.SubscribeOptions, len(devices))
	for i, id := range devices {
		subs[i] = paho.SubscribeOptions{Topic: LogTopic(id), QoS: 0}
	}
	if err := c.subscribe(ctx, subs...); err != nil {
		out := make([]Answer, len(devices))
		for i, id := range devices {
			out[i] = Answer{Device: id, Err: err}
		}
		return out
	}
	ask := func() []Answer {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return c.Exec(actx, devices, argv, api.Options{})
	}
	first := ask()
	go func() {
		t := time.NewTicker(FollowLease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				ask()
			}
		}
	}()
	return first
}

// StopFollow asks the devices to stop following their logs.
func (c *Client) StopFollow(devices []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, id := range devices {
		c.cm.Publish(ctx, &paho.Publish{Topic: CtlTopic(id), QoS: 1, Payload: StopFollowRequest,
			Properties: &paho.PublishProperties{ResponseTopic: c.reply, ContentType: ContentJSON}})
	}
}
