package aiomqtt

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control"
)

// Device is one program on MQTT: it publishes its tasks as a Homie 5
// device and runs the requests it is sent through its interpreter. Make
// one with New and call Run; the mqtt service (Service) does that for a
// program that loads it from its services.config.
type Device struct {
	in   *control.Interp
	args Args
	id   string
	g    *aioctl.Group
	log  *slog.Logger

	wake chan struct{} // the publisher has work (capacity 1)
	reqs chan inbound  // requests and Homie sets waiting for the worker

	mu      sync.Mutex
	conn    *autopaho.ConnectionManager // nil while disconnected
	full    bool                        // republish everything (a new connection)
	dirty   map[string]bool             // tasks whose values may have changed
	ready   chan struct{}               // closed once $state ready was first published
	readyOK bool
	byNode  map[string]string // node id → task name, for Homie sets
	follow  *follow           // the running log follow (follow.go)

	// Owned by the publisher goroutine.
	names   []string          // the tasks the description has, sorted
	ids     map[string]string // task name → node id
	version int64
	sent    map[string]string // topic → retained value last published

	limit    *bucket
	counts   Counts
	cm       atomic.Pointer[autopaho.ConnectionManager] // for tests: TerminateConnectionForTest
	onRecv   func()                                     // for tests: called for every request received
	onFollow func()                                     // for tests: called for every log event followed

	beforeConnect func() // for tests: called before every connection attempt

	// self is the task that runs the device (the mqtt service's), whose
	// own stop it cannot see published: flush says it stopped.
	self string
}

// Counts are what a device dropped or refused, for tests and stats.
type Counts struct {
	Requests  atomic.Int64 // requests run
	Refused   atomic.Int64 // requests answered with an error before running
	Dropped   atomic.Int64 // requests dropped: rate, full queue, retained, no reply topic
	PubErrors atomic.Int64 // publishes that failed
}

// Option configures a Device.
type Option func(*Device)

// WithLogger sets where the device logs its connection and errors
// (default: the group's logger).
func WithLogger(l *slog.Logger) Option { return func(d *Device) { d.log = l } }

// New returns the device over the interpreter in (its group is the one
// published) with the given arguments; it connects when Run is called.
func New(in *control.Interp, args Args, opts ...Option) (*Device, error) {
	if in == nil {
		return nil, errors.New("mqtt: no interpreter")
	}
	if _, err := brokerURL(args.Broker); err != nil {
		return nil, err
	}
	g := in.Components().Group
	d := &Device{
		in: in, args: args, g: g, log: g.Logger(),
		id:    DeviceID(args.Device, envLookup),
		wake:  make(chan struct{}, 1),
		reqs:  make(chan inbound, reqQueue),
		dirty: map[string]bool{},
		ready: make(chan struct{}),
		sent:  map[string]string{},
	}
	rate, burst := args.Rate, args.Burst
	if rate <= 0 {
		rate = 20
	}
	if burst <= 0 {
		burst = 40
	}
	d.limit = newBucket(g.Clock(), rate, burst)
	for _, o := range opts {
		o(d)
	}
	return d, nil
}

// ID is the device's Homie id.
func (d *Device) ID() string { return d.id }

// Counts returns the device's counters.
func (d *Device) Counts() *Counts { return &d.counts }

// Ready is closed once the device has published $state ready for the
// first time.
func (d *Device) Ready() <-chan struct{} { return d.ready }

func (d *Device) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run connects (and reconnects, with backoff) to the broker and serves
// until ctx ends; it then publishes $state disconnected and disconnects.
// A device that dies without that is "lost" through its will.
func (d *Device) Run(ctx context.Context) error {
	cfg, err := d.clientConfig()
	if err != nil {
		return err
	}
	stopWatch := d.g.Watch(func(e aioctl.Event) {
		d.mu.Lock()
		d.dirty[e.Name] = true
		d.mu.Unlock()
		d.poke()
	})
	defer stopWatch()
	connCtx, cancelConn := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelConn()
	cm, err := autopaho.NewConnection(connCtx, cfg)
	if err != nil {
		return err
	}
	d.cm.Store(cm)
	var wg sync.WaitGroup
	workCtx, stopWork := context.WithCancel(ctx)
	wg.Go(func() { d.work(workCtx) })
	d.publishLoop(ctx)
	stopWork()
	wg.Wait()
	d.stopFollow()
	d.flush()
	d.goodbye(cm)
	cancelConn()
	<-cm.Done()
	return nil
}

// flush publishes the task changes the loop had not yet sent when it
// ended (the last services' stops, at a shutdown), bounded in time.
func (d *Device) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), pubTimeout)
	defer cancel()
	d.sync(ctx)
	d.mu.Lock()
	cm := d.conn
	d.mu.Unlock()
	if id, ok := d.ids[d.self]; ok && cm != nil {
		// The task running the device ends as the device goes: its last
		// word is that it stopped, not the running (or stopping) of now.
		if err := d.retain(ctx, cm, fleet.PropertyTopic(d.id, id, PropState), aioctl.Stopped.String()); err != nil {
			d.log.Warn("mqtt: publishing its own stop", "device", d.id, "err", err)
		}
	}
}

// goodbye publishes $state disconnected and disconnects cleanly, so the
// will (lost) is not sent.
func (d *Device) goodbye(cm *autopaho.ConnectionManager) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	d.mu.Lock()
	up := d.conn != nil
	d.mu.Unlock()
	if up {
		if _, err := cm.Publish(ctx, &paho.Publish{Topic: fleet.StateTopic(d.id), QoS: 1, Retain: true, Payload: []byte(fleet.StateDisconnected)}); err != nil {
			d.log.Warn("mqtt: publishing $state disconnected", "err", err)
		}
	}
	_ = cm.Disconnect(ctx)
}

func (d *Device) clientConfig() (autopaho.ClientConfig, error) {
	u, err := brokerURL(d.args.Broker)
	if err != nil {
		return autopaho.ClientConfig{}, err
	}
	tc, err := tlsConfig(d.args.CA, d.args.Cert, d.args.Key)
	if err != nil {
		return autopaho.ClientConfig{}, err
	}
	pw, err := d.args.password()
	if err != nil {
		return autopaho.ClientConfig{}, err
	}
	ka := d.args.KeepAlive
	if ka == 0 {
		ka = 30
	}
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		TlsCfg:                        tc,
		KeepAlive:                     ka,
		CleanStartOnInitialConnection: true,
		ReconnectBackoff:              autopaho.NewExponentialBackoff(200*time.Millisecond, 15*time.Second, time.Second, 2),
		ConnectTimeout:                5 * time.Second,
		ConnectUsername:               d.args.User,
		ConnectPassword:               pw,
		WillMessage:                   &paho.WillMessage{Topic: fleet.StateTopic(d.id), Payload: []byte(fleet.StateLost), QoS: 1, Retain: true},
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			d.mu.Lock()
			d.conn, d.full = cm, true
			d.mu.Unlock()
			d.log.Info("mqtt: connected", "broker", u.Redacted(), "device", d.id)
			d.poke()
		},
		OnConnectionDown: func() bool {
			d.mu.Lock()
			d.conn = nil
			d.mu.Unlock()
			d.log.Warn("mqtt: connection lost; reconnecting", "device", d.id)
			return true
		},
		OnConnectError: func(err error) {
			d.log.Warn("mqtt: connecting", "broker", u.Redacted(), "err", fleet.RedactConnectError(err, u))
		},
		ConnectPacketBuilder: func(c *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			if d.beforeConnect != nil {
				d.beforeConnect()
			}
			return c, nil
		},
		ClientConfig: paho.ClientConfig{
			ClientID:          "aiotools-" + d.id,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){d.receive},
		},
	}
	if len(pw) > 0 && d.args.User == "" {
		return cfg, errors.New("mqtt: a password needs a user")
	}
	return cfg, nil
}

// pubTimeout bounds one publish.
const pubTimeout = 5 * time.Second

// publishLoop publishes what changed until ctx ends: on a new connection
// everything ($state init, $description, every value, $state ready), on a
// task event the values of the tasks that changed.
func (d *Device) publishLoop(ctx context.Context) {
	var tick <-chan time.Time
	if every := time.Duration(d.args.StatsEvery); every >= 0 {
		if every == 0 {
			every = 30 * time.Second
		}
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
			d.sync(ctx)
		case <-tick:
			d.mu.Lock()
			cm := d.conn
			d.mu.Unlock()
			if cm != nil {
				d.publishStats(ctx, cm)
			}
		}
	}
}

func (d *Device) sync(ctx context.Context) {
	d.mu.Lock()
	cm, full, dirty := d.conn, d.full, d.dirty
	if cm == nil {
		d.mu.Unlock()
		return // OnConnectionUp asks for everything
	}
	d.full, d.dirty = false, map[string]bool{}
	d.mu.Unlock()
	err := d.publish(ctx, cm, full, dirty)
	if err != nil && ctx.Err() == nil {
		d.counts.PubErrors.Add(1)
		d.log.Warn("mqtt: publishing", "device", d.id, "err", err)
		d.mu.Lock()
		d.full = d.full || full
		maps.Copy(d.dirty, dirty)
		d.mu.Unlock()
		// The connection's end brings a new OnConnectionUp; another
		// failure (an ACL) waits for the next event.
	}
}

func (d *Device) publish(ctx context.Context, cm *autopaho.ConnectionManager, full bool, dirty map[string]bool) error {
	if full {
		if err := d.subscribe(ctx, cm); err != nil {
			return err
		}
		clear(d.sent)
	}
	all, _ := d.g.Snapshot(aioctl.SnapshotOptions{LogLines: 1})
	names := make([]string, len(all))
	for i := range all {
		names[i] = all[i].Name
	}
	slices.Sort(names)
	changed := !slices.Equal(names, d.names)
	if full || changed {
		if err := d.publishDescription(ctx, cm, all, names); err != nil {
			return err
		}
	}
	enabled := d.enabled()
	for i := range all {
		s := &all[i]
		if !full && !changed && !dirty[s.Name] {
			continue
		}
		var en *bool
		if s.Service != nil {
			if e, ok := enabled[s.Name]; ok {
				en = &e
			}
		}
		for _, p := range valueProps {
			v, ok := values(s, en)[p]
			if !ok {
				continue
			}
			if err := d.retain(ctx, cm, fleet.PropertyTopic(d.id, d.ids[s.Name], p), v); err != nil {
				return err
			}
		}
	}
	if full || changed {
		if err := d.retain(ctx, cm, fleet.StateTopic(d.id), fleet.StateReady); err != nil {
			return err
		}
		d.publishStats(ctx, cm)
		d.mu.Lock()
		if !d.readyOK {
			d.readyOK = true
			close(d.ready)
		}
		d.mu.Unlock()
	}
	return nil
}

// retain publishes v retained on topic unless it is what was last sent;
// "" clears the topic (Homie: a property without a value).
func (d *Device) retain(ctx context.Context, cm *autopaho.ConnectionManager, topic, v string) error {
	if old, ok := d.sent[topic]; ok && old == v {
		return nil
	}
	// Bounded: a publish in flight when the broker went away may wait for
	// an acknowledgement that never comes; the new connection republishes.
	ctx, cancel := context.WithTimeout(ctx, pubTimeout)
	defer cancel()
	if _, err := cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Retain: true, Payload: []byte(v)}); err != nil {
		return err
	}
	d.sent[topic] = v
	return nil
}

func (d *Device) subscribe(ctx context.Context, cm *autopaho.ConnectionManager) error {
	ctx, cancel := context.WithTimeout(ctx, pubTimeout)
	defer cancel()
	_, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{
		// RetainAsPublished: a retained request is seen as retained
		// (and ignored) even when it arrives live.
		{Topic: fleet.CtlTopic(d.id), QoS: 1, NoLocal: true, RetainAsPublished: true},
		{Topic: fleet.CtlTopic(fleet.Broadcast), QoS: 1, NoLocal: true, RetainAsPublished: true},
		{Topic: fleet.HomieRoot + d.id + "/+/+/set", QoS: 1, NoLocal: true, RetainAsPublished: true},
		// The device's own $state, live only (RetainHandling 2: not the
		// retained value at subscription, which init and ready replace
		// anyway): the will of the previous connection can come after
		// this one's ready when the broker notices the old connection's
		// end late (a takeover, a half-open TCP connection), and would
		// leave a connected device retained as lost (receive). Not
		// NoLocal: brokers tell "local" by client id, and the will has
		// ours.
		{Topic: fleet.StateTopic(d.id), QoS: 1, RetainHandling: 2},
	}})
	return err
}

// enabled is each service task's enabled flag, by task name.
func (d *Device) enabled() map[string]bool {
	m := d.in.Components().Services
	if m == nil {
		return nil
	}
	out := map[string]bool{}
	for _, in := range m.List() {
		if in.Task != "" {
			out[in.Task] = in.Enabled
		}
	}
	return out
}
