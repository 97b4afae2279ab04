package aiomqtt

import (
	"fmt"
	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/control/api"
)

// ask publishes payload as a request to dev with reply topic test/r and
// correlation corr.
func ask(t *testing.T, s *sniffer, payload, corr string, retain bool) {
	t.Helper()
	s.publish(t, &paho.Publish{Topic: "aiotools/dev/ctl", QoS: 1, Retain: retain, Payload: []byte(payload),
		Properties: &paho.PublishProperties{ResponseTopic: "test/r", CorrelationData: []byte(corr)}})
}

func TestBadRequestsGetErrorRepliesAndDoNothing(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink")
	d, _ := startDevice(t, b.URL(), "dev", g)
	s := sniff(t, b.URL(), "test/r")
	cases := []struct {
		payload string
		code    api.Code
	}{
		{`{"argv": ["stop", "blink"`, api.CodeBadRequest},           // malformed JSON
		{`{"argv": ["stop", "blink"], "x": 1}`, api.CodeBadRequest}, // unknown field
		{strings.Repeat("stop blink ", 1000), api.CodeTooLarge},     // oversize
		{"frobnicate blink", api.CodeUnknownVerb},
		{"stop --frob blink", api.CodeBadArgument},
		{"stop 'blink", api.CodeBadArgument}, // open quote
		{"stop \x1b[2Jblink", api.CodeBadArgument},
		{`services add evil {"exec": {"argv": ["sh", "-c", "touch /tmp/x"]}}`, api.CodeUnauthorized}, // not allowed over MQTT
		{"services remove blink", api.CodeUnauthorized},
		{`{"line": "log -f", "follow": "start"}`, api.CodeBadRequest},
		{`{"follow": "stop", "argv": ["status"]}`, api.CodeBadRequest},
		{"\xff\xfe", api.CodeBadRequest},
		{"", api.CodeUnknownVerb},
	}
	for i, c := range cases {
		ask(t, s, c.payload, fmt.Sprint(i), false)
		r := s.reply(t, fmt.Sprint(i))
		if r.OK || r.Error == nil || r.Error.Code != c.code {
			t.Errorf("%.40q: reply %+v, want error %s", c.payload, r, c.code)
		}
	}
	if st, _ := g.Get("blink"); st.State().String() != "running" {
		t.Errorf("blink is %v after the bad requests: one of them acted", st.State())
	}
	// Those the interpreter saw were refused by its parse, before running.
	if n := d.Counts().Refused.Load(); n < 8 {
		t.Errorf("%d requests refused before the interpreter, want at least 8", n)
	}
}

func TestRetainedAndUnanswerableRequestsIgnored(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	// A retained request waiting on the broker before the device comes.
	s := sniff(t, b.URL(), "test/r")
	ask(t, s, "stop blink", "stale", true)
	g := newGroup(t, "blink")
	d, _ := startDevice(t, b.URL(), "dev", g)
	// A retained request while it runs, and requests it cannot answer: no
	// response topic, a wildcard one.
	ask(t, s, "stop blink", "live-retained", true)
	s.publish(t, &paho.Publish{Topic: "aiotools/dev/ctl", QoS: 1, Payload: []byte("stop blink")})
	s.publish(t, &paho.Publish{Topic: "aiotools/dev/ctl", QoS: 1, Payload: []byte("stop blink"),
		Properties: &paho.PublishProperties{ResponseTopic: "test/+", CorrelationData: []byte("wild")}})
	s.publish(t, &paho.Publish{Topic: "homie/5/dev/blink/action/set", QoS: 1, Retain: true, Payload: []byte("stop")})
	// Requests run one at a time, in order: once this one is answered the
	// ones before it were dropped or would have run.
	ask(t, s, "is-active blink", "probe", false)
	if r := s.reply(t, "probe"); !r.OK {
		t.Fatalf("probe: %+v (blink should still run)", r)
	}
	if n := d.Counts().Dropped.Load(); n < 4 {
		t.Errorf("dropped %d requests, want at least 4", n)
	}
	if n := d.Counts().Requests.Load(); n != 1 {
		t.Errorf("%d requests ran, want the probe only", n)
	}
	// Clear the retained request, as a user would.
	s.publish(t, &paho.Publish{Topic: "aiotools/dev/ctl", QoS: 1, Retain: true})
}

func TestFloodIsBoundedAndDeviceStillAnswers(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	// The rate limit runs on the group's clock: a fake one that does not
	// move lets exactly the burst through.
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	g := newGroupWith(t, []aioctl.GroupOption{aioctl.WithClock(fc)})
	if _, err := aioctl.Add(g, blink, struct{}{}, aioctl.WithName("blink")); err != nil {
		t.Fatal(err)
	}
	const n = 300
	recv := make(chan struct{}, n+10)
	d, _ := startDevice(t, b.URL(), "dev", g, func(a *Args) { a.Rate, a.Burst = 5, 10 }, func(d *Device) {
		d.onRecv = func() { recv <- struct{}{} }
	})
	s := sniff(t, b.URL(), "test/r")
	for i := range n {
		ask(t, s, "stop blink", fmt.Sprint("f", i), false)
	}
	for i := range n {
		select {
		case <-recv:
		case <-time.After(waitLimit):
			t.Fatalf("the device received %d of %d requests", i, n)
		}
	}
	fc.Advance(time.Second) // 5 more tokens
	// Requests are taken in order: once the probe is answered, the flood
	// before it has been counted.
	ask(t, s, "start blink", "probe", false)
	if r := s.reply(t, "probe"); !r.OK {
		t.Fatalf("probe after the flood: %+v", r)
	}
	if ran, dropped := d.Counts().Requests.Load(), d.Counts().Dropped.Load(); ran != 11 || dropped != n-10 {
		t.Errorf("ran %d, dropped %d; want the burst of 10 and the probe to run, %d dropped", ran, dropped, n-10)
	}
}
