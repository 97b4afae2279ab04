package aiomqtt

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitLimit bounds every wait for something the broker must deliver.
const waitLimit = 10 * time.Second

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func startBroker(t testing.TB, addr string) *broker.Broker {
	t.Helper()
	b, err := broker.Start(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// blink runs until stopped.
func blink(ctx context.Context, _ struct{}) (string, error) {
	<-ctx.Done()
	return "stopped by " + context.Cause(ctx).Error(), nil
}

// newGroup returns a group with the tasks named (each runs blink),
// closed when the test ends.
func newGroup(t testing.TB, tasks ...string) *aioctl.Group {
	t.Helper()
	return newGroupWith(t, nil, tasks...)
}

func newGroupWith(t testing.TB, opts []aioctl.GroupOption, tasks ...string) *aioctl.Group {
	t.Helper()
	g := aioctl.NewGroup(append([]aioctl.GroupOption{aioctl.WithGroupName("test"), aioctl.WithLogger(quiet)}, opts...)...)
	for _, n := range tasks {
		if _, err := aioctl.Add(g, blink, struct{}{}, aioctl.WithName(n)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		g.Close(ctx)
	})
	return g
}

// startDevice runs a device with id over g against the broker at url until
// the test ends (or the returned stop is called), and waits for its
// first $state ready.
func startDevice(t testing.TB, url, id string, g *aioctl.Group, mod ...any) (*Device, func()) {
	t.Helper()
	ring := aiolog.New(64 << 10)
	for _, m := range mod {
		if r, ok := m.(*aiolog.Ring); ok {
			ring = r
		}
	}
	in, err := control.NewInterp(control.Components{Group: g, Log: ring})
	if err != nil {
		t.Fatal(err)
	}
	args := Args{Broker: url, Device: id, StatsEvery: Duration(-1)}
	for _, m := range mod {
		if f, ok := m.(func(*Args)); ok {
			f(&args)
		}
	}
	d, err := New(in, args, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mod {
		if f, ok := m.(func(*Device)); ok {
			f(d)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case <-d.Ready():
	case <-time.After(waitLimit):
		t.Fatalf("device %s: no $state ready within %v", id, waitLimit)
	}
	return d, stop
}

func dial(t testing.TB, url string) *fleet.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c, err := fleet.Dial(ctx, fleet.Settings{Broker: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// msg is one message a sniffer saw.
type msg struct {
	topic, payload string
	retain         bool
	corr           string
}

var snifferN atomic.Int64 // client ids: two sniffers with one id would take over each other's session

// sniffer is a plain MQTT client of the test's own: it subscribes to a
// filter and hands every message over a channel, and publishes raw.
type sniffer struct {
	cm  *autopaho.ConnectionManager
	out chan msg
}

func sniff(t testing.TB, brokerURL string, filters ...string) *sniffer {
	t.Helper()
	u, _ := url.Parse(brokerURL)
	s := &sniffer{out: make(chan msg, 10000)}
	up := make(chan struct{}, 1)
	cm, err := autopaho.NewConnection(context.Background(), autopaho.ClientConfig{
		ServerUrls: []*url.URL{u}, KeepAlive: 30, CleanStartOnInitialConnection: true,
		ReconnectBackoff: autopaho.NewConstantBackoff(100 * time.Millisecond),
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			select {
			case up <- struct{}{}:
			default:
			}
		},
		ClientConfig: paho.ClientConfig{ClientID: fmt.Sprint("sniffer-", snifferN.Add(1)),
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
				m := msg{topic: pr.Packet.Topic, payload: string(pr.Packet.Payload), retain: pr.Packet.Retain}
				if pr.Packet.Properties != nil {
					m.corr = string(pr.Packet.Properties.CorrelationData)
				}
				s.out <- m
				return true, nil
			}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.cm = cm
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cm.Disconnect(ctx)
		<-cm.Done()
	})
	select {
	case <-up:
	case <-time.After(waitLimit):
		t.Fatal("sniffer: not connected")
	}
	if len(filters) > 0 {
		subs := make([]paho.SubscribeOptions, len(filters))
		for i, f := range filters {
			subs[i] = paho.SubscribeOptions{Topic: f, QoS: 1}
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// waitFor reads messages until one on topic has payload want.
func (s *sniffer) waitFor(t testing.TB, topic, want string) msg {
	t.Helper()
	deadline := time.After(waitLimit)
	var seen []string
	for {
		select {
		case m := <-s.out:
			if m.topic == topic && m.payload == want {
				return m
			}
			if m.topic == topic {
				seen = append(seen, m.payload)
			}
		case <-deadline:
			t.Fatalf("%s: no %q within %v (saw %q)", topic, want, waitLimit, seen)
		}
	}
}

// waitForTopic returns the next message on one of topics.
func (s *sniffer) waitForTopic(t testing.TB, topics ...string) msg {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case m := <-s.out:
			if slices.Contains(topics, m.topic) {
				return m
			}
		case <-deadline:
			t.Fatalf("nothing on %q within %v", topics, waitLimit)
		}
	}
}

// request publishes a raw request with the given properties.
func (s *sniffer) publish(t testing.TB, p *paho.Publish) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := s.cm.Publish(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// reply waits for a reply with correlation corr and decodes it.
func (s *sniffer) reply(t testing.TB, corr string) api.Response {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case m := <-s.out:
			if m.corr != corr {
				continue
			}
			var r api.Response
			if err := json.Unmarshal([]byte(m.payload), &r); err != nil {
				t.Fatalf("reply %q: %v", m.payload, err)
			}
			return r
		case <-deadline:
			t.Fatalf("no reply with correlation %q within %v", corr, waitLimit)
		}
	}
}

func execOne(t testing.TB, c *fleet.Client, id string, argv ...string) *api.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	a := c.Exec(ctx, []string{id}, argv, api.Options{})[0]
	if a.Err != nil {
		t.Fatalf("%s %v: %v", id, argv, a.Err)
	}
	return a.Response
}

// jsonRequest is a request with a JSON payload and reply topic test/r.
func jsonRequest(topic, payload, corr string) *paho.Publish {
	return &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(payload),
		Properties: &paho.PublishProperties{ResponseTopic: "test/r", CorrelationData: []byte(corr), ContentType: fleet.ContentJSON}}
}
