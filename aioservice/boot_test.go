package aioservice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
)

// timed records when each fake core service ran, in bubble time.
type timed struct {
	mu         sync.Mutex
	start, end map[string]time.Duration
	t0         time.Time
}

func (tm *timed) service(name string, d time.Duration, fail bool, deps ...string) *Service {
	run := func(ctx context.Context, _ struct{}) (string, error) {
		tm.mu.Lock()
		tm.start[name] = time.Since(tm.t0)
		tm.mu.Unlock()
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		tm.mu.Lock()
		tm.end[name] = time.Since(tm.t0)
		tm.mu.Unlock()
		if fail {
			return "", errors.New(name + " is broken")
		}
		return "", nil
	}
	return Define(name, run, struct{}{}, WithType(Core), WithRequires(deps...))
}

func TestBootMakespanIsTheCriticalPath(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := &timed{start: map[string]time.Duration{}, end: map[string]time.Duration{}, t0: time.Now()}
		r := NewRegistry()
		type svc struct {
			name string
			d    time.Duration
			deps []string
		}
		graph := []svc{
			{"e", 1, []string{"c", "d"}},
			{"a", 3, nil},
			{"b", 1, nil},
			{"c", 2, []string{"a"}},
			{"d", 5, []string{"b"}},
			{"f", 4, nil},
		}
		for _, s := range graph {
			r.MustRegister(tm.service(s.name, s.d*time.Second, false, s.deps...))
		}
		out := &syncBuffer{}
		m := NewManager(quietGroup(), r, WithOutput(out))
		if err := m.LoadAll(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		if err := m.Boot(t.Context()); err != nil {
			t.Fatal(err)
		}
		makespan := time.Since(tm.t0)
		if makespan != 7*time.Second { // b(1) + d(5) + e(1); the sum is 16
			t.Errorf("makespan = %v, want the critical path 7s", makespan)
		}
		for _, s := range graph {
			var ready time.Duration
			for _, d := range s.deps {
				ready = max(ready, tm.end[d])
			}
			if tm.start[s.name] != ready {
				t.Errorf("%s started at %v, want %v (when its last dependency ended)", s.name, tm.start[s.name], ready)
			}
		}
		lines := out.Lines()
		if !slices.Contains(lines, "[ OK ] Priority core services solved...") ||
			!slices.Contains(lines, "[ Booting ] Order: --> a --> b --> f --> c --> d --> e") {
			t.Errorf("output:\n%s", out)
		}
		if err := m.Close(t.Context()); err != nil {
			t.Error(err)
		}
	})
}

func TestBootFailedDependencyKeepsDependentsFromStarting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tm := &timed{start: map[string]time.Duration{}, end: map[string]time.Duration{}, t0: time.Now()}
		r := NewRegistry()
		r.MustRegister(tm.service("network", time.Second, true))
		r.MustRegister(tm.service("time", time.Second, false, "network"))
		r.MustRegister(tm.service("app", time.Second, false, "time"))
		r.MustRegister(tm.service("solo", 2*time.Second, false))
		r.MustRegister(Define("ui", nothing, struct{}{}, WithRequires("app"))) // runtime: Init
		r.MustRegister(Define("net-ui", nothing, struct{}{}, WithRequires("network")))
		out := &syncBuffer{}
		g := quietGroup()
		m := NewManager(g, r, WithOutput(out))
		if err := m.LoadAll(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		err := m.Boot(t.Context())
		for _, want := range []string{"network.service: failed", "time.service: not started: requires network.service, which failed", "app.service: not started: requires time.service, which did not start"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Boot error %v does not say %q", err, want)
			}
		}
		if _, ran := tm.start["time"]; ran {
			t.Error("time started although network failed")
		}
		if _, ok := tm.end["solo"]; !ok {
			t.Error("solo, which depends on nothing, did not run")
		}
		for _, want := range []string{
			"[ ERROR ] network.service failed: Error: network is broken",
			"[ ERROR ] time.service not started: requires network.service, which failed",
			"[ ERROR ] app.service not started: requires time.service, which did not start",
		} {
			if !slices.Contains(out.Lines(), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// Init says why a core dependency is not up: its error, or why it
		// did not start.
		err = m.Init(t.Context())
		for _, want := range []string{
			"ui.service: not started: requires app.service, which did not start (requires time.service, which did not start)",
			"net-ui.service: not started: requires network.service, which failed: network is broken",
		} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Init = %v\nwant it to say %q", err, want)
			}
		}
		// The dependent shows why in List and in its status header.
		for _, in := range m.List() {
			if in.Name == "time" && in.Note != "not started: requires network.service, which failed" {
				t.Errorf("time note = %q", in.Note)
			}
		}
		sts, _ := g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "time.service")
		if sts[0].State != aioctl.Scheduled || !strings.Contains(sts[0].Service.Loaded, "(not started: requires network.service, which failed)") {
			t.Errorf("time.service status = %v, %+v", sts[0].State, sts[0].Service)
		}
		m.Close(t.Context())
	})
}

func TestBootMissingDependencyAndCycle(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("clock", nothing, struct{}{}, WithType(Core), WithRequires("ghost")))
	r.MustRegister(Define("ping", nothing, struct{}{}, WithType(Core), WithRequires("pong")))
	r.MustRegister(Define("pong", nothing, struct{}{}, WithType(Core), WithAfter("ping")))
	out := &syncBuffer{}
	g := quietGroup()
	m := NewManager(g, r, WithOutput(out))
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	err := m.Boot(t.Context())
	var ce *CycleError
	if !errors.As(err, &ce) || err.Error() != "dependency cycle: ping -> pong -> ping" {
		t.Fatalf("Boot = %v, want the cycle", err)
	}
	for _, n := range g.Names() {
		if st, _ := g.Get(n); st.State() != aioctl.Scheduled {
			t.Errorf("%s ran although the boot had a cycle", n)
		}
	}
	m.Unload(t.Context(), "pong")
	m.Unload(t.Context(), "ping")
	err = m.Boot(t.Context())
	if err == nil || !strings.Contains(err.Error(), "clock.service: not started: requires ghost.service, which is not defined") {
		t.Errorf("Boot = %v", err)
	}
}

func TestStopInReverseOrder(t *testing.T) {
	var mu sync.Mutex
	var stopped []string
	r := NewRegistry()
	for _, s := range []struct{ name, dep string }{{"web", "api"}, {"api", "db"}, {"db", ""}, {"cache", ""}} {
		var deps []Option
		if s.dep != "" {
			deps = append(deps, WithRequires(s.dep))
		}
		name := s.name
		deps = append(deps, WithTaskOptions(aioctl.WithOnStop(func(helloArgs) int {
			mu.Lock()
			stopped = append(stopped, name)
			mu.Unlock()
			return 0
		})))
		r.MustRegister(Define(name, waitCtx, helloArgs{}, deps...))
	}
	out := &syncBuffer{}
	g := quietGroup()
	m := NewManager(g, r, WithOutput(out))
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := m.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, n := range stopped {
		pos[n] = i
	}
	if len(stopped) != 4 || pos["web"] > pos["api"] || pos["api"] > pos["db"] {
		t.Errorf("stop order = %v, want web before api before db", stopped)
	}
	for _, n := range g.Names() {
		if st, _ := g.Get(n); st.State() != aioctl.Stopped {
			t.Errorf("%s is %v after Stop", n, st.State())
		}
	}
}

func TestScheduleServiceRunsOnTheGroupClock(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc))
	out := &syncBuffer{}
	r := NewRegistry()
	r.MustRegister(Define("world", nothing, struct{}{}, WithType(Schedule),
		WithScheduleSpec(aioschedule.Spec{StartIn: 20 * time.Second, Repeat: 90 * time.Second})))
	m := NewManager(g, r, WithOutput(out))
	if err := m.Load(t.Context(), "world", false); err != nil {
		t.Fatal(err)
	}
	ran := make(chan aioctl.Event, 4)
	cancel := g.Watch(func(e aioctl.Event) {
		if e.Name == "world.service" && e.To == aioctl.Done {
			ran <- e
		}
	})
	defer cancel()
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.Lines(), "[ OK ] Scheduling world.service: start_in=20s repeat=1m30s") {
		t.Errorf("output:\n%s", out)
	}
	fc.WaitTimers(1, t.Context().Done())
	fc.Advance(20 * time.Second)
	e := <-ran
	if want := fc.Now(); !e.Time.Equal(want) {
		t.Errorf("ran at %v, want %v", e.Time, want)
	}
	if err := m.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestBootOrderIsWhatBootDoes: BootOrder is the order Boot and Init start
// the services in, computed once: the loaded, enabled services of each
// phase, a dependency outside the phase ordering nothing.
func TestBootOrderIsWhatBootDoes(t *testing.T) {
	r := testRegistry()
	r.MustRegister(Define("clock", nothing, struct{}{}, WithType(Core), WithRequires("time"), WithAfter("hello")))
	out := &syncBuffer{}
	m := NewManager(quietGroup(), r, WithOutput(out))
	defer m.Close(context.Background())
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Unload(t.Context(), "network"); err != nil {
		t.Fatal(err)
	}
	bo, err := m.BootOrder()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(bo.Core, bo.Others, bo.Levels) != "[time clock] [hello world] [[time] [clock] [hello world]]" {
		t.Errorf("BootOrder = %+v", bo)
	}
	m.Boot(t.Context()) // time does not start: network is not loaded
	if want := "[ Booting ] Order: --> " + strings.Join(bo.Core, " --> "); !slices.Contains(out.Lines(), want) {
		t.Errorf("Boot printed %q, want the line %q", out.Lines(), want)
	}
}

// List and Boot may run at once (a status query while booting): the
// notes Boot writes are read under the manager's lock.
func TestListWhileBooting(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("network", func(ctx context.Context, _ struct{}) (string, error) {
		return "", errors.New("no link")
	}, struct{}{}, WithType(Core)))
	for i := range 20 {
		r.MustRegister(Define(fmt.Sprintf("dep%d", i), nothing, struct{}{}, WithType(Core), WithRequires("network")))
	}
	m := NewManager(quietGroup(), r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		for {
			select {
			case <-stop:
				return
			default:
				m.List()
			}
		}
	}()
	m.Boot(t.Context())
	m.Init(t.Context())
	close(stop)
	<-listed
	for _, in := range m.List() {
		if strings.HasPrefix(in.Name, "dep") && !strings.Contains(in.Note, "requires network.service, which failed") {
			t.Errorf("%s: note %q", in.Name, in.Note)
		}
	}
	m.Close(t.Context())
}
