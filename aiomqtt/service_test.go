package aiomqtt

import (
	"context"
	"errors"
	"testing"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// At a shutdown the fleet sees the services' tasks stop before the
// device goes: the mqtt service stops last and flushes what changed. A
// cleanly stopped device used to stay listed with its tasks running (or
// stopping), its last published states.
func TestShutdownPublishesTheStopsBeforeDisconnected(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t)
	r := aioservice.NewRegistry()
	r.MustRegister(aioservice.Define("hello", blink, struct{}{}))
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	r.MustRegister(Service(in, Args{Broker: b.URL(), Device: "dev", StatsEvery: Duration(-1)}, WithLogger(quiet)))
	m := aioservice.NewManager(g, r, aioservice.WithOutput(&lines{line: make(chan struct{}, 1)}))
	defer m.Close(context.Background())
	s := sniff(t, b.URL(), "homie/5/dev/#")
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(m.Boot(t.Context()), m.Init(t.Context())); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "homie/5/dev/hello-service/state", "running")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	if _, err := m.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for {
		m := s.waitForTopic(t, "homie/5/dev/hello-service/state", "homie/5/dev/$state")
		seen = append(seen, m.topic+"="+m.payload)
		if m.topic == "homie/5/dev/$state" && m.payload == "disconnected" {
			break
		}
	}
	if len(seen) < 2 || seen[len(seen)-2] != "homie/5/dev/hello-service/state=stopped" {
		t.Errorf("after the shutdown: %q, want hello-service stopped before $state disconnected", seen)
	}
}
