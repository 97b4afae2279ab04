package aioservice

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A core service that failed at boot and is started again by hand (or by
// the watcher) starts, once it ends Done, the services that were blocked
// only by it, down the chain; those still blocked by another stay
// unstarted. Each one started late says so in List and in its status.
func TestDependentsStartLateWhenACoreServiceComesUp(t *testing.T) {
	var netRuns atomic.Int32
	network := func(context.Context, struct{}) (string, error) {
		if netRuns.Add(1) == 1 {
			return "", errors.New("no link")
		}
		return "", nil
	}
	broken := func(context.Context, struct{}) (string, error) { return "", errors.New("always") }
	r := NewRegistry()
	r.MustRegister(Define("network", network, struct{}{}, WithType(Core)))
	r.MustRegister(Define("broken", broken, struct{}{}, WithType(Core)))
	r.MustRegister(Define("time", nothing, struct{}{}, WithType(Core), WithRequires("network")))
	r.MustRegister(Define("both", nothing, struct{}{}, WithType(Core), WithRequires("network", "broken")))
	r.MustRegister(Define("app", waitCtx, helloArgs{}, WithRequires("time")))     // runtime
	r.MustRegister(Define("other", waitCtx, helloArgs{}, WithRequires("broken"))) // runtime
	g := quietGroup()
	defer g.Close(t.Context())
	out := &syncBuffer{}
	m := NewManager(g, r, WithOutput(out))
	events := make(chan aioctl.Event, 64)
	cancel := g.Watch(func(e aioctl.Event) {
		if e.To == aioctl.Running || e.To == aioctl.Done {
			events <- e
		}
	})
	defer cancel()
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Boot(t.Context()); err == nil {
		t.Fatal("Boot succeeded although network failed")
	}
	if err := m.Init(t.Context()); err == nil {
		t.Fatal("Init succeeded although app's dependency is not up")
	}
	for len(events) > 0 {
		<-events
	}
	netTask, _ := g.Get("network.service")
	if _, err := netTask.Start(); err != nil { // by hand, as a user or the watcher would
		t.Fatal(err)
	}
	var seen []string
	for up := false; !up; {
		select {
		case e := <-events:
			seen = append(seen, e.Name+" "+e.To.String())
			up = e.Name == "app.service" && e.To == aioctl.Running
		case <-time.After(10 * time.Second): // a guard, not a synchronisation
			t.Fatalf("events %v: app.service never started after network.service came up", seen)
		}
	}
	if !slices.Contains(seen, "time.service done") {
		t.Errorf("events %v: time.service did not run before app.service", seen)
	}
	// The status header is read before Close, which takes the manager out
	// of the group's status, once the late starts are done (their notes
	// written).
	m.late.Wait()
	sts, _ := g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "app.service")
	// Close waits for the late starts in progress (so "both" and "other"
	// had their chance, and the notes are written); it keeps the notes.
	if err := m.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, in := range m.List() {
		notes[in.Name] = in.Note
	}
	for len(events) > 0 {
		seen = append(seen, func(e aioctl.Event) string { return e.Name + " " + e.To.String() }(<-events))
	}
	for _, n := range []string{"both.service running", "other.service running"} {
		if slices.Contains(seen, n) {
			t.Errorf("events %v: %s, although it still requires broken.service, which failed", seen, n)
		}
	}
	for _, n := range []string{"time", "app"} {
		if notes[n] != "started late, when "+map[string]string{"time": "network", "app": "time"}[n]+".service came up" {
			t.Errorf("%s note = %q", n, notes[n])
		}
	}
	if notes["both"] != "not started: requires broken.service, which failed: always" {
		t.Errorf("both note = %q", notes["both"])
	}
	if len(sts) != 1 || !strings.Contains(sts[0].Service.Loaded, "(started late, when time.service came up)") {
		t.Errorf("app.service status header: %+v", sts)
	}
	for _, want := range []string{"[ OK ] Starting time.service late: network.service is up", "[ OK ] Starting app.service late: time.service is up"} {
		if !slices.Contains(out.Lines(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A runtime service that was not loaded when Init ran keeps its dependents
// waiting; once it is loaded and Running, they start.
func TestDependentsStartLateWhenARuntimeServiceRuns(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("db", waitCtx, helloArgs{}))
	r.MustRegister(Define("api", waitCtx, helloArgs{}, WithRequires("db")))
	g := quietGroup()
	defer g.Close(t.Context())
	m := NewManager(g, r)
	defer m.Close(t.Context())
	running := make(chan string, 8)
	cancel := g.Watch(func(e aioctl.Event) {
		if e.To == aioctl.Running {
			running <- e.Name
		}
	})
	defer cancel()
	if err := m.Load(t.Context(), "api", false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err == nil || !strings.Contains(err.Error(), "requires db.service, which is not loaded") {
		t.Fatalf("Init = %v", err)
	}
	if err := m.Load(t.Context(), "db", false); err != nil {
		t.Fatal(err)
	}
	db, _ := g.Get("db.service")
	db.Start()
	if got := <-running; got != "db.service" {
		t.Fatalf("first start %s", got)
	}
	select {
	case got := <-running:
		if got != "api.service" {
			t.Fatalf("second start %s, want api.service", got)
		}
	case <-time.After(10 * time.Second): // a guard, not a synchronisation
		t.Fatal("api.service did not start once db.service was running")
	}
}
