package aiomqtt

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
)

func TestReadyAndRetainedDescriptionComplete(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink", "world_task")
	startDevice(t, b.URL(), "Dev_1", g)
	c := dial(t, b.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	got, err := c.Retained(ctx, "homie/5/#")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(got["homie/5/dev-1/$state"]); s != "ready" {
		t.Fatalf("$state = %q, want ready (device id Dev_1 maps to dev-1); topics: %v", s, slices.Sorted(maps.Keys(got)))
	}
	var desc description
	if err := json.Unmarshal(got["homie/5/dev-1/$description"], &desc); err != nil {
		t.Fatalf("$description: %v", err)
	}
	if desc.Homie != "5.0" || desc.Version == 0 {
		t.Errorf("$description homie %q version %d", desc.Homie, desc.Version)
	}
	if ids := slices.Sorted(maps.Keys(desc.Nodes)); !slices.Equal(ids, []string{"blink", "world-task"}) {
		t.Fatalf("nodes %v, want blink and world-task", ids)
	}
	n := desc.Nodes["world-task"]
	if n.Name != "world_task" {
		t.Errorf("node name %q, want the task's name", n.Name)
	}
	for _, p := range []string{PropState, PropSince, PropResult, PropError, PropNextRun, PropRestarts, PropAction} {
		if _, ok := n.Properties[p]; !ok {
			t.Errorf("node world-task lacks property %s", p)
		}
	}
	if a := n.Properties[PropAction]; !a.Settable || a.Retained == nil || *a.Retained || a.Format != ActionFormat {
		t.Errorf("action = %+v, want settable, not retained, %s", a, ActionFormat)
	}
	if s := n.Properties[PropState]; s.Datatype != "enum" || s.Format != StateFormat {
		t.Errorf("state = %+v", s)
	}
	for _, task := range []string{"blink", "world-task"} {
		if v := string(got["homie/5/dev-1/"+task+"/state"]); v != "running" {
			t.Errorf("%s/state = %q, want running", task, v)
		}
		if v := string(got["homie/5/dev-1/"+task+"/since"]); v == "" {
			t.Errorf("%s/since missing", task)
		}
		if v := string(got["homie/5/dev-1/"+task+"/restarts"]); v != "0" {
			t.Errorf("%s/restarts = %q", task, v)
		}
	}
}

func TestStateChangePublishedRetainedFromEvents(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink")
	startDevice(t, b.URL(), "dev", g)
	s := sniff(t, b.URL(), "homie/5/dev/blink/state")
	s.waitFor(t, "homie/5/dev/blink/state", "running")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := g.Stop(ctx, "blink"); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "homie/5/dev/blink/state", "stopped")
	c := dial(t, b.URL())
	got, err := c.Retained(ctx, "homie/5/dev/blink/+")
	if err != nil {
		t.Fatal(err)
	}
	if v := string(got["homie/5/dev/blink/state"]); v != "stopped" {
		t.Errorf("retained state = %q, want stopped", v)
	}
	if v := string(got["homie/5/dev/blink/since"]); v == "" {
		t.Errorf("retained since is empty")
	}
}

func TestRequestGetsCorrelatedReply(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink", "hello")
	startDevice(t, b.URL(), "dev", g)
	s := sniff(t, b.URL(), "test/replies")
	// Two requests at once: each reply carries its own correlation.
	for i, line := range []string{"status blink", "is-active hello"} {
		s.publish(t, &paho.Publish{Topic: "aiotools/dev/ctl", QoS: 1, Payload: []byte(line),
			Properties: &paho.PublishProperties{ResponseTopic: "test/replies", CorrelationData: []byte(fmt.Sprint("c", i))}})
	}
	r0, r1 := s.reply(t, "c0"), s.reply(t, "c1")
	if r0.Verb != "status" || !r0.OK || !strings.Contains(r0.Text, "blink") {
		t.Errorf("status reply = %+v", r0)
	}
	if r1.Verb != "is-active" || !r1.OK || !strings.Contains(r1.Text, "active") {
		t.Errorf("is-active reply = %+v", r1)
	}
	// The client: JSON output, as the socket gives it.
	c := dial(t, b.URL())
	if r := execOne(t, c, "dev", "stop", "blink"); !r.OK || r.Exit != 0 {
		t.Errorf("stop blink: %+v", r)
	}
	if st, _ := g.Get("blink"); st.State().String() != "stopped" {
		t.Errorf("blink is %v after stop over MQTT", st.State())
	}
}

func TestBroadcastReachesAllDevices(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	for i := 1; i <= 3; i++ {
		startDevice(t, b.URL(), fmt.Sprint("demo-", i), newGroup(t, "blink"))
	}
	s := sniff(t, b.URL(), "test/all")
	s.publish(t, &paho.Publish{Topic: "aiotools/$broadcast/ctl", QoS: 1, Payload: []byte("is-active blink"),
		Properties: &paho.PublishProperties{ResponseTopic: "test/all", CorrelationData: []byte("b")}})
	for range 3 {
		if r := s.reply(t, "b"); !r.OK {
			t.Errorf("broadcast reply %+v", r)
		}
	}
	// And the fleet client's way: every device, answers in device order.
	c := dial(t, b.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	devs, err := c.Devices(ctx, "demo-*")
	if err != nil || len(devs) != 3 {
		t.Fatalf("Devices = %v, %v", devs, err)
	}
	ids := []string{devs[0].ID, devs[1].ID, devs[2].ID}
	for i, a := range c.Exec(ctx, ids, []string{"status"}, api.Options{}) {
		if a.Err != nil || a.Device != ids[i] || !a.Response.OK {
			t.Errorf("answer %d: %+v", i, a)
		}
	}
	if devs[0].Status != "ONLINE" || devs[0].Tasks["running"] != 1 {
		t.Errorf("device listing %+v", devs[0])
	}
}

func TestHomieActionSetRestartsTask(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink")
	startDevice(t, b.URL(), "dev", g)
	s := sniff(t, b.URL(), "homie/5/dev/blink/state")
	s.waitFor(t, "homie/5/dev/blink/state", "running")
	s.publish(t, &paho.Publish{Topic: "homie/5/dev/blink/action/set", QoS: 1, Payload: []byte("stop")})
	s.waitFor(t, "homie/5/dev/blink/state", "stopped")
	s.publish(t, &paho.Publish{Topic: "homie/5/dev/blink/action/set", QoS: 1, Payload: []byte("restart")})
	s.waitFor(t, "homie/5/dev/blink/state", "running")
}

func TestKilledDeviceBecomesLostThenReadyAgain(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	// The device may not reconnect before the broker has sent the will:
	// a reconnection that takes the old session over first may end it
	// without one (mochi does), and the test would see no "lost".
	hold := make(chan struct{})
	var connects atomic.Int32
	d, _ := startDevice(t, b.URL(), "dev", newGroup(t, "blink"), func(d *Device) {
		d.beforeConnect = func() {
			if connects.Add(1) > 1 {
				<-hold
			}
		}
	})
	s := sniff(t, b.URL(), "homie/5/dev/$state")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	// The connection dies without a DISCONNECT, as when the process is
	// killed or the network goes: the broker sends the will.
	d.cm.Load().TerminateConnectionForTest()
	s.waitFor(t, "homie/5/dev/$state", "lost")
	close(hold)
	s.waitFor(t, "homie/5/dev/$state", "ready") // it reconnects by itself
}

// The will of a connection the broker noticed dead only after the device
// had reconnected arrives after the new connection's ready: it must not
// leave a connected device retained as lost.
func TestLateWillIsAnsweredWithReady(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	startDevice(t, b.URL(), "dev", newGroup(t, "blink"))
	s := sniff(t, b.URL(), "homie/5/dev/$state")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	s.publish(t, &paho.Publish{Topic: "homie/5/dev/$state", QoS: 1, Retain: true, Payload: []byte("lost")})
	s.waitFor(t, "homie/5/dev/$state", "lost")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	// What a newcomer reads (retained) is ready again.
	late := sniff(t, b.URL(), "homie/5/dev/$state")
	late.waitFor(t, "homie/5/dev/$state", "ready")
}

func TestCleanStopIsDisconnected(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	_, stop := startDevice(t, b.URL(), "dev", newGroup(t, "blink"))
	s := sniff(t, b.URL(), "homie/5/dev/$state")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	stop()
	s.waitFor(t, "homie/5/dev/$state", "disconnected")
	c := dial(t, b.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	devs, err := c.Devices(ctx, "")
	if err != nil || len(devs) != 1 || devs[0].Status != "OFFLINE" {
		t.Fatalf("Devices = %+v, %v; want dev OFFLINE (no will after a clean stop)", devs, err)
	}
}

func TestBrokerRestartSurvivedAndStateRepublished(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	addr := b.Addr()
	startDevice(t, b.URL(), "dev", newGroup(t, "blink"))
	b.Close() // retained messages go with it: it keeps nothing on disk
	b2 := startBroker(t, addr)
	s := sniff(t, b2.URL(), "homie/5/dev/#")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	c := dial(t, b2.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	got, err := c.Retained(ctx, "homie/5/dev/#")
	if err != nil {
		t.Fatal(err)
	}
	if len(got["homie/5/dev/$description"]) == 0 || string(got["homie/5/dev/blink/state"]) != "running" {
		t.Errorf("after the restart the broker holds %v", slices.Sorted(maps.Keys(got)))
	}
	if r := execOne(t, c, "dev", "is-active", "blink"); !r.OK {
		t.Errorf("request after the restart: %+v", r)
	}
}

func TestDescriptionRepublishedOnAddAndDelete(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink", "other")
	startDevice(t, b.URL(), "dev", g)
	c := dial(t, b.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	first := descOf(t, c, ctx)
	s := sniff(t, b.URL(), "homie/5/dev/#")
	if r := execOne(t, c, "dev", "delete", "other"); !r.OK {
		t.Fatalf("delete: %+v", r)
	}
	s.waitFor(t, "homie/5/dev/other/state", "") // cleared
	s.waitFor(t, "homie/5/dev/$state", "ready")
	second := descOf(t, c, ctx)
	if second.Version <= first.Version {
		t.Errorf("version %d after delete, was %d", second.Version, first.Version)
	}
	if _, ok := second.Nodes["other"]; ok || len(second.Nodes) != 1 {
		t.Errorf("nodes after delete: %v", slices.Sorted(maps.Keys(second.Nodes)))
	}
}

func descOf(t *testing.T, c *fleet.Client, ctx context.Context) description {
	t.Helper()
	got, err := c.Retained(ctx, "homie/5/dev/$description")
	if err != nil {
		t.Fatal(err)
	}
	var d description
	if err := json.Unmarshal(got["homie/5/dev/$description"], &d); err != nil {
		t.Fatal(err)
	}
	return d
}

var _ = time.Second

// TestClientSurvivesBrokerRestart: a client dialed before the broker
// restarted still gets replies after it (its reply subscription is made
// again; it was lost with the session, so every request timed out), and
// OnConnection tells it the connection went and came back.
func TestClientSurvivesBrokerRestart(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	addr := b.Addr()
	startDevice(t, b.URL(), "dev", newGroup(t, "blink"))
	c := dial(t, b.URL())
	events := make(chan error, 8)
	c.OnConnection(func(err error) { events <- err })
	b.Close()
	b2 := startBroker(t, addr)
	for _, want := range []bool{false, true} { // lost, then back
		select {
		case err := <-events:
			if (err == nil) != want {
				t.Fatalf("OnConnection(%v), want up=%v", err, want)
			}
		case <-time.After(waitLimit):
			t.Fatalf("no OnConnection(up=%v) within %v", want, waitLimit)
		}
	}
	s := sniff(t, b2.URL(), "homie/5/dev/#")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	if r := execOne(t, c, "dev", "is-active", "blink"); !r.OK {
		t.Errorf("request after the restart: %+v", r)
	}
}
