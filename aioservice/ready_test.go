package aioservice

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// readyLog records, in order, what the services of a readiness test did.
type readyLog struct {
	mu         sync.Mutex
	events     []string
	appStarted chan struct{} // closed by app's function
}

func (l *readyLog) add(s string) {
	l.mu.Lock()
	l.events = append(l.events, s)
	l.mu.Unlock()
}

func (l *readyLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.events, " ")
}

// readinessRegistry: db (runtime, declares readiness with timeout, ready
// when goCh is closed) and app, which requires db.
func readinessRegistry(log *readyLog, goCh chan struct{}, timeout time.Duration) *Registry {
	r := NewRegistry()
	r.MustRegister(Define("db", func(ctx context.Context, _ struct{}) (string, error) {
		log.add("db-start")
		select {
		case <-goCh:
			log.add("db-ready")
			aioctl.Ready(ctx)
		case <-ctx.Done():
			return "", ctx.Err()
		}
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}, WithReadiness(timeout)))
	r.MustRegister(Define("app", func(ctx context.Context, _ struct{}) (string, error) {
		log.add("app-start")
		close(log.appStarted)
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}, WithRequires("db")))
	return r
}

func TestRequiredServiceWaitsForReadinessNotStart(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	log := &readyLog{appStarted: make(chan struct{})}
	goCh := make(chan struct{})
	g := quietGroup(aioctl.WithClock(fc))
	m := NewManager(g, readinessRegistry(log, goCh, 5*time.Second), WithOutput(&syncBuffer{}))
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { res <- m.Init(t.Context()) }()
	fc.WaitTimers(1, nil) // db runs and Init waits for its readiness
	db, _ := g.Get("db.service")
	app, _ := g.Get("app.service")
	if db.State() != aioctl.Running || app.State() != aioctl.Scheduled {
		t.Fatalf("before Ready: db %v, app %v; want db running, app not started", db.State(), app.State())
	}
	sts, _ := g.Status("db.service")
	if !sts[0].Starting {
		t.Error("db's status does not show starting before Ready")
	}
	close(goCh)
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if app.State() != aioctl.Running {
		t.Fatalf("after Ready: app %v, want running", app.State())
	}
	if err := app.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-log.appStarted
	if got, want := log.String(), "db-start db-ready app-start"; got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestReadinessTimeoutFailsDependent(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	log := &readyLog{appStarted: make(chan struct{})}
	out := &syncBuffer{}
	g := quietGroup(aioctl.WithClock(fc))
	m := NewManager(g, readinessRegistry(log, make(chan struct{}), 5*time.Second), WithOutput(out))
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { res <- m.Init(t.Context()) }()
	fc.WaitTimers(1, nil)
	fc.Advance(5 * time.Second)
	err := <-res
	const want = "app.service not started: requires db.service, which was not ready within 5s"
	if err == nil || !strings.Contains(out.String(), "[ ERROR ] "+want) {
		t.Fatalf("err = %v, output:\n%s\nwant the line %q", err, out, want)
	}
	if !strings.Contains(err.Error(), "was not ready within 5s") {
		t.Errorf("err = %v, want it to say db was not ready within 5s", err)
	}
	app, _ := g.Get("app.service")
	if app.State() != aioctl.Scheduled {
		t.Errorf("app %v, want not started", app.State())
	}
}

// TestDependentStartsLateOnceReady: db was not ready in time, so app did
// not start; when db says it is ready after all, app starts late.
func TestDependentStartsLateOnceReady(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	log := &readyLog{appStarted: make(chan struct{})}
	goCh := make(chan struct{})
	out := &syncBuffer{}
	g := quietGroup(aioctl.WithClock(fc))
	m := NewManager(g, readinessRegistry(log, goCh, 5*time.Second), WithOutput(out))
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { res <- m.Init(t.Context()) }()
	fc.WaitTimers(1, nil)
	fc.Advance(5 * time.Second)
	if err := <-res; err == nil {
		t.Fatal("Init: no error, want app not started")
	}
	app, _ := g.Get("app.service")
	if app.State() != aioctl.Scheduled {
		t.Fatalf("app %v before db is ready, want not started", app.State())
	}
	close(goCh) // db is ready at last
	<-log.appStarted
	if got, want := log.String(), "db-start db-ready app-start"; got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
}
