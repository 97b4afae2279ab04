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
		deps = append(deps, WithOnStop(func(helloArgs) int {
			mu.Lock()
			stopped = append(stopped, name)
			mu.Unlock()
			return 0
		}))
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

func TestLoadStatusAndTraceback(t *testing.T) {
	r := testRegistry()
	r.MustRegister(Define("dofail", nothing, struct{}{}, WithSource("services/dofail.go"),
		WithOnLoad(func(ctx context.Context, _ struct{}) error {
			var zero int
			_ = 1 / zero
			return nil
		})))
	r.MustRegister(Define("broken", nothing, struct{}{}, WithSource("services/broken.go"),
		WithOnLoad(func(ctx context.Context, _ struct{}) error { return fmt.Errorf("no sensor on pin %d", 4) })))
	err := r.Register(Define("mismatch", nothing, struct{}{}, WithOnLoad(func(ctx context.Context, _ helloArgs) error { return nil })))
	if err == nil || err.Error() != `aioservice: service "mismatch": WithOnLoad callback is func(context.Context, aioservice.helloArgs) error, want func(context.Context, struct {}) error` {
		t.Errorf("Register(mismatched OnLoad) = %v", err)
	}
	for _, bad := range []*Service{Define("hello.service", nothing, struct{}{}), Define("x", nothing, struct{}{}, WithType("daemon")), Define("hello", nothing, struct{}{})} {
		if err := r.Register(bad); err == nil {
			t.Errorf("Register(%q, %q) succeeded", bad.Name(), bad.Type())
		}
	}
	out := &syncBuffer{}
	g := quietGroup()
	m := NewManager(g, r, WithOutput(out))
	err = m.LoadAll(t.Context(), false)
	if err == nil || !strings.Contains(err.Error(), "dofail.service: panic: runtime error: integer divide by zero") {
		t.Errorf("LoadAll = %v", err)
	}
	src := func(n string) string { s, _ := r.Get(n); return s.Source() }
	want := []string{
		"[ OK ] Service: hello.service from " + src("hello") + " loaded",
		"[ OK ] Service: world.service from " + src("world") + " loaded",
		"[ OK ] Service: network.service from " + src("network") + " loaded",
		"[ OK ] Service: time.service from " + src("time") + " loaded",
		"[ ERROR ] Service: dofail.service from services/dofail.go not loaded: Error: panic: runtime error: integer divide by zero",
		"[ ERROR ] Service: broken.service from services/broken.go not loaded: Error: no sensor on pin 4",
	}
	if got := out.Lines(); !slices.Equal(got, want) {
		t.Errorf("printed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := m.LoadStatus(); !slices.Equal(got, want) {
		t.Errorf("LoadStatus:\n%s", strings.Join(got, "\n"))
	}
	if got := m.LoadStatus("dofail.service", "hel*"); len(got) != 2 || got[0] != want[0] || got[1] != want[4] {
		t.Errorf("LoadStatus(patterns) = %q", got)
	}
	if !strings.HasPrefix(src("hello"), "aioservice/helpers_test.go:") {
		t.Errorf("source = %q, want the file and line of Define", src("hello"))
	}
	tb, err := m.Traceback("dofail")
	if err != nil || !strings.HasPrefix(tb, "panic: runtime error: integer divide by zero\ngoroutine ") || !strings.Contains(tb, "TestLoadStatusAndTraceback") {
		t.Errorf("traceback = %q, %v", tb, err)
	}
	if tb, _ := m.Traceback("hello"); tb != "" {
		t.Errorf("traceback of a loaded service = %q", tb)
	}
	if _, err := m.Traceback("nope"); !errors.Is(err, ErrNotLoaded) {
		t.Errorf("Traceback(nope) = %v", err)
	}
	if got := g.Names(); !slices.Equal(got, []string{"hello.service", "world.service", "network.service", "time.service"}) {
		t.Errorf("tasks = %v", got)
	}
	if err := m.Load(t.Context(), "hello", false); !errors.Is(err, ErrAlreadyLoaded) {
		t.Errorf("second Load = %v", err)
	}
	if err := m.Load(t.Context(), "nope", false); !errors.Is(err, ErrUnknownService) {
		t.Errorf("Load(nope) = %v", err)
	}
	if err := m.Unload(t.Context(), "hello"); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("hello.service"); ok {
		t.Error("Unload left the task")
	}
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Errorf("Load after Unload = %v", err)
	}
	// A failed service can be loaded again once fixed; here it fails again.
	if err := m.Load(t.Context(), "broken", false); err == nil {
		t.Error("loading broken again succeeded")
	}
}

func TestLoadUsesConfigOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/services.config"
	writeFile(t, path, `{"hello": {"args": {"pin": 9}, "restart": {"mode": "on-failure"}}, "network": {"enabled": false}}`)
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path))
	if err := m.Load(t.Context(), "hello", true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 9 || a.Sleep != Duration(5*time.Second) {
		t.Errorf("args with config = %+v, want pin 9 and the default sleep", a)
	}
	sts, _ := g.Status("hello.service")
	if sts[0].Restart != aioctl.OnFailure {
		t.Errorf("restart = %v", sts[0].Restart)
	}
	m.Unload(t.Context(), "hello")
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Fatal(err)
	}
	task, _ = g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 2 {
		t.Errorf("args without config = %+v, want the defaults", a)
	}
	m.Unload(t.Context(), "hello")
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("network.service"); ok {
		t.Error("LoadAll with the config loaded a disabled service")
	}
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("network.service"); !ok {
		t.Error("LoadAll without the config skipped a service")
	}
}

func TestChildrenAndContext(t *testing.T) {
	r := NewRegistry()
	childRunning := make(chan struct{})
	r.MustRegister(Define("parent", func(ctx context.Context, _ struct{}) (string, error) {
		m, name, ok := FromContext(ctx)
		if !ok || name != "parent" || m == nil {
			return "", fmt.Errorf("FromContext = %v %q %v", m, name, ok)
		}
		if _, err := AddChild(ctx, "blink", func(ctx context.Context, _ int) (int, error) {
			if _, n, ok := FromContext(ctx); !ok || n != "parent" {
				return 0, errors.New("child does not know its service")
			}
			close(childRunning)
			<-ctx.Done()
			return 0, ctx.Err()
		}, 1); err != nil {
			return "", err
		}
		if _, err := AddChild(ctx, "blink", func(ctx context.Context, _ int) (int, error) { return 0, nil }, 1); err == nil {
			return "", errors.New("a second running child of the same name was accepted")
		}
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-childRunning
	if _, ok := g.Get("parent.service.blink"); !ok {
		t.Fatalf("tasks = %v", g.Names())
	}
	if _, _, ok := FromContext(t.Context()); ok {
		t.Error("FromContext outside a service reported one")
	}
	if _, err := AddChild(t.Context(), "x", nothing, struct{}{}); err == nil {
		t.Error("AddChild outside a service succeeded")
	}
	if err := m.Unload(t.Context(), "parent"); err != nil {
		t.Fatal(err)
	}
	if n := g.Names(); len(n) != 0 {
		t.Errorf("after Unload the group has %v", n)
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
