package aioservice

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// A service whose own restart policy gave up stays given up: the
// watcher's checks do not restart it (its report says it gave up), and a
// start by the user runs it again with a fresh budget.
func TestWatcherLeavesAGivenUpTaskAlone(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc))
	w := NewWatcher(WithAction(func(context.Context, *Watcher) {}))
	r := NewRegistry()
	r.MustRegister(w.Service(WatcherArgs{Every: Duration(30 * time.Second), Restart: true}))
	crash := func(context.Context, struct{}) (int, error) { return 0, errors.New("crash") }
	r.MustRegister(Define("crashy", crash, struct{}{}))
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{"crashy": {"restart": {"mode": "always", "budget": 5, "window": "1m"}}}`)
	m := NewManager(g, r, WithConfigFile(path), WithEnv(noEnv))
	defer g.Close(t.Context())
	defer m.Close(t.Context())

	events := make(chan aioctl.Event, 256)
	cancel := g.Watch(func(e aioctl.Event) {
		if e.Name == "crashy.service" {
			events <- e
		}
	})
	defer cancel()
	if err := m.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	done := t.Context().Done()
	// Crash loop: each restart waits out its backoff on the fake clock
	// (the watcher's timer is the other one armed).
	restarts := 0
loop:
	for {
		e := <-events
		switch e.To {
		case aioctl.Restarting:
			restarts++
			fc.WaitTimers(2, done)
			sts, _ := g.Snapshot(aioctl.SnapshotOptions{}, "crashy.service")
			fc.Set(sts[0].NextRestart)
		case aioctl.GaveUp:
			break loop
		}
	}
	if restarts != 5 {
		t.Fatalf("the task gave up after %d restarts, want 5 (its budget)", restarts)
	}
	// The watcher's next checks leave it alone.
	for range 3 {
		fc.WaitTimers(1, done) // only the watcher's timer is armed
		fc.Advance(30 * time.Second)
		fc.WaitTimers(1, done) // the check is over: the watcher re-armed
	}
	if n := w.checksDone(); n != 5 {
		t.Fatalf("the watcher made %d checks, want 5 (at 0 s, at 30 s in the crash loop, three after)", n)
	}
	task, _ := g.Get("crashy.service")
	if st := task.State(); st != aioctl.GaveUp {
		t.Fatalf("after the watcher's checks crashy.service is %v, want gave-up", st)
	}
	for len(events) > 0 {
		if e := <-events; e.To == aioctl.Running {
			t.Fatalf("the watcher restarted a task that gave up: %+v", e)
		}
	}
	var b strings.Builder
	w.Report(&b)
	if !strings.Contains(b.String(), "crashy.service: gave up after 5 restarts (its restart budget is spent): not restarted; start it to run it again") {
		t.Errorf("the report does not say the task gave up:\n%s", b.String())
	}
	// A start by the user runs it again, with its budget renewed.
	if ok, err := task.Start(); !ok || err != nil {
		t.Fatalf("start: %v %v", ok, err)
	}
	for e := range events {
		if e.To == aioctl.Running && e.Cause == aioctl.CauseUser {
			break
		}
	}
	if e := <-events; e.To != aioctl.Restarting {
		t.Errorf("after the user's start it went to %v, want restarting (a fresh budget)", e.To)
	}
}

// A task with a restart policy of its own is left to it: stopped by the
// user, it panics on its way out (so it is in error), and the watcher does
// not start it again.
func TestWatcherLeavesTasksWithARestartPolicyToIt(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc))
	w := NewWatcher(WithAction(func(context.Context, *Watcher) {}))
	r := NewRegistry()
	r.MustRegister(w.Service(WatcherArgs{Every: Duration(10 * time.Second), Restart: true}))
	m := NewManager(g, r)
	defer g.Close(t.Context())
	defer m.Close(t.Context())
	dirty := func(ctx context.Context, _ struct{}) (int, error) {
		<-ctx.Done()
		panic("dirty exit")
	}
	task := aioctl.MustAdd(g, dirty, struct{}{}, aioctl.WithName("dirty"),
		aioctl.WithRestart(aioctl.RestartPolicy{Mode: aioctl.OnFailure}))
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Stop(t.Context(), "dirty"); err != nil {
		t.Fatal(err)
	}
	if st := task.State(); st != aioctl.Error {
		t.Fatalf("dirty is %v, want error", st)
	}
	done := t.Context().Done()
	fc.WaitTimers(1, done)
	fc.Advance(10 * time.Second)
	fc.WaitTimers(1, done) // the check is over: the watcher re-armed
	if n := w.checksDone(); n != 2 {
		t.Fatalf("the watcher made %d checks, want 2", n)
	}
	if st := task.State(); st != aioctl.Error {
		t.Errorf("after the watcher's check dirty is %v, want left in error", st)
	}
}
