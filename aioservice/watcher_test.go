package aioservice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
)

// failOnCue returns a task function that fails (or panics) each time it
// is told to on cue.
func failOnCue(cue chan struct{}, panics bool) aioctl.Func[struct{}, int] {
	return func(ctx context.Context, _ struct{}) (int, error) {
		select {
		case <-cue:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		if panics {
			var m map[string]int
			//lint:ignore SA5000 the task panics on purpose
			m["boom"]++
		}
		return 0, errors.New("boom")
	}
}

func TestWatcherCountsRestartsAndActs(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc))
	acted := make(chan int, 4)
	w := NewWatcher(WithAction(func(ctx context.Context, w *Watcher) { acted <- w.Total() }))
	cues := map[string]chan struct{}{}
	for _, n := range []string{"flaky", "crash", "skip", "optout.service"} {
		cues[n] = make(chan struct{})
	}
	r := NewRegistry()
	r.MustRegister(w.Service(WatcherArgs{Every: Duration(10 * time.Second), MaxErrors: 6, Restart: true, Exclude: []string{"sk*"}}))
	r.MustRegister(Define("optout", failOnCue(cues["optout.service"], false), struct{}{}, WithoutWatcherRestart()))
	m := NewManager(g, r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	fc.WaitTimers(1, t.Context().Done()) // the watcher made its first sweep and waits

	errs := make(chan string, 16)
	restarts := make(chan string, 16)
	cancel := g.Watch(func(e aioctl.Event) {
		switch {
		case e.To == aioctl.Error:
			errs <- e.Name
		case e.To == aioctl.Running && e.Cause == aioctl.CauseUser:
			restarts <- e.Name
		}
	})
	defer cancel()
	aioctl.MustAdd(g, failOnCue(cues["flaky"], false), struct{}{}, aioctl.WithName("flaky"))
	aioctl.MustAdd(g, failOnCue(cues["crash"], true), struct{}{}, aioctl.WithName("crash"))
	aioctl.MustAdd(g, failOnCue(cues["skip"], false), struct{}{}, aioctl.WithName("skip"))
	for _, n := range []string{"flaky", "crash", "skip", "optout.service"} {
		if n != "optout.service" { // Init started that one before we watched
			<-restarts // its first start
		}
		cues[n] <- struct{}{}
		if got := <-errs; got != n {
			t.Fatalf("error event for %s, want %s", got, n)
		}
	}
	if title, text := w.show(); title != "Errors" || text != "4 total; crash: panic x1; flaky: Error x1; optout.service: Error x1; skip: Error x1" {
		t.Errorf("Show = %q, %q", title, text)
	}

	tick := func() []string {
		fc.Advance(10 * time.Second)
		fc.WaitTimers(1, t.Context().Done()) // the sweep is over
		var got []string
		for len(restarts) > 0 {
			got = append(got, <-restarts)
		}
		slices.Sort(got)
		return got
	}
	if got := tick(); !slices.Equal(got, []string{"crash", "flaky"}) {
		t.Errorf("restarted %v, want crash and flaky (skip is excluded, optout opted out)", got)
	}
	for _, n := range []string{"skip", "optout.service"} {
		if task, _ := g.Get(n); task.State() != aioctl.Error {
			t.Errorf("%s is %v, want left in error", n, task.State())
		}
	}
	if len(acted) != 0 {
		t.Fatal("the action ran before max_errors")
	}
	cues["flaky"] <- struct{}{}
	<-errs
	cues["crash"] <- struct{}{}
	<-errs
	if got := tick(); !slices.Equal(got, []string{"crash", "flaky"}) {
		t.Errorf("second sweep restarted %v", got)
	}
	if total := <-acted; total != 6 {
		t.Errorf("action ran with %d errors, want 6", total)
	}
	cues["flaky"] <- struct{}{}
	<-errs
	tick()
	if len(acted) != 0 || w.Total() != 7 {
		t.Errorf("the action ran again (%d) or the total is %d, want 7", len(acted), w.Total())
	}
	if w.checksDone() != 4 {
		t.Errorf("checks = %d, want 4", w.checksDone())
	}
	c := w.countsByType()
	if c["flaky"]["Error"] != 3 || c["crash"]["panic"] != 2 || c["skip"]["Error"] != 1 {
		t.Errorf("counts = %v", c)
	}
	var b strings.Builder
	w.Report(&b)
	rep := b.String()
	for _, want := range []string{"watcher: 7 errors in 4 tasks\n", "crash: panic x2, last @ " + time.Date(2015, 1, 1, 0, 0, 10, 0, time.UTC).Local().Format(aioctl.DateLayout) + "\n    panic: assignment to entry in nil map\n    goroutine ", "flaky: Error x3, last @ ", "    Error: boom\n"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	if err := m.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	g.Close(t.Context())
}

func TestWatcherCountsErrorsFromBeforeItStarted(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc))
	bad := aioctl.MustAdd(g, func(ctx context.Context, _ int) (int, error) { return 0, errors.New("early") }, 0, aioctl.WithName("early"))
	<-bad.Done()
	w := NewWatcher(WithAction(func(context.Context, *Watcher) {}))
	r := NewRegistry()
	r.MustRegister(w.Service(WatcherArgs{Restart: false}))
	m := NewManager(g, r)
	m.LoadAll(t.Context(), false)
	m.Init(t.Context())
	fc.WaitTimers(1, t.Context().Done())
	if w.Total() != 1 {
		t.Errorf("total = %d, want the error from before", w.Total())
	}
	fc.Advance(30 * time.Second) // default Every
	fc.WaitTimers(1, t.Context().Done())
	if w.Total() != 1 || bad.State() != aioctl.Error || w.checksDone() != 2 {
		t.Errorf("total %d, state %v, checks %d: with restart off it must only count, once", w.Total(), bad.State(), w.checksDone())
	}
	m.Close(t.Context())
}

// A schedule service that ends in error is left to its schedule: the
// watcher counts its error but does not restart it at its next check
// (unless RestartScheduled); its schedule runs it again when due.
func TestWatcherLeavesScheduledTasksToTheirSchedule(t *testing.T) {
	for _, restartScheduled := range []bool{false, true} {
		t.Run(fmt.Sprintf("restart_scheduled=%v", restartScheduled), func(t *testing.T) {
			fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
			g := quietGroup(aioctl.WithClock(fc))
			w := NewWatcher(WithAction(func(context.Context, *Watcher) {}))
			var flakyRuns atomic.Int32
			flaky := func(ctx context.Context, _ struct{}) (int, error) {
				if flakyRuns.Add(1) == 1 {
					return 0, errors.New("first run fails")
				}
				<-ctx.Done()
				return 0, ctx.Err()
			}
			fails := func(context.Context, struct{}) (int, error) { return 0, errors.New("tick failed") }
			r := NewRegistry()
			r.MustRegister(w.Service(WatcherArgs{Every: Duration(10 * time.Second), Restart: true, RestartScheduled: restartScheduled}))
			r.MustRegister(Define("flaky", flaky, struct{}{}))
			r.MustRegister(Define("tick", fails, struct{}{}, WithType(Schedule),
				WithScheduleSpec(aioschedule.Spec{StartIn: 5 * time.Second, Repeat: 100 * time.Second})))
			m := NewManager(g, r)
			defer g.Close(t.Context())
			defer m.Close(t.Context())
			events := make(chan aioctl.Event, 64)
			cancel := g.Watch(func(e aioctl.Event) {
				if e.Name != "watcher.service" && (e.To == aioctl.Running || e.To == aioctl.Error) {
					events <- e
				}
			})
			defer cancel()
			if err := m.LoadAll(t.Context(), false); err != nil {
				t.Fatal(err)
			}
			if err := m.Init(t.Context()); err != nil {
				t.Fatal(err)
			}
			// Called after the watcher's own hook (registered by Init), so
			// an event here has been counted.
			tickErrs := make(chan struct{}, 8)
			cancelAfter := g.Watch(func(e aioctl.Event) {
				if e.Name == "tick.service" && e.To == aioctl.Error {
					tickErrs <- struct{}{}
				}
			})
			defer cancelAfter()
			drain := func() (out []string) {
				for len(events) > 0 {
					e := <-events
					out = append(out, e.Name+" "+e.To.String()+" "+e.Cause.String())
				}
				return out
			}
			wait := func(name string, to aioctl.State) {
				t.Helper()
				for e := range events {
					if e.Name == name && e.To == to {
						return
					}
				}
			}
			wait("flaky.service", aioctl.Error)
			fc.WaitTimers(2, t.Context().Done()) // the watcher and the scheduler wait
			fc.Advance(5 * time.Second)          // tick is due and fails
			wait("tick.service", aioctl.Error)
			fc.WaitTimers(2, t.Context().Done())
			drain()
			fc.Advance(5 * time.Second) // the watcher's check
			fc.WaitTimers(2, t.Context().Done())
			got := drain()
			if !slices.Contains(got, "flaky.service running user") {
				t.Errorf("events %v: the watcher did not restart flaky.service", got)
			}
			if restarted := slices.Contains(got, "tick.service running user"); restarted != restartScheduled {
				t.Errorf("events %v: tick.service restarted by the watcher: %v, want %v", got, restarted, restartScheduled)
			}
			if c := w.countsByType()["tick.service"]["Error"]; c < 1 {
				t.Errorf("tick.service errors counted: %d, want at least 1", c)
			}
			if restartScheduled {
				return
			}
			if tk, _ := g.Get("tick.service"); tk.State() != aioctl.Error {
				t.Errorf("tick.service is %v before its next run, want left in error", tk.State())
			}
			<-tickErrs                   // its first failure
			fc.Advance(95 * time.Second) // tick is due again: its schedule runs it
			<-tickErrs
			if c := w.countsByType()["tick.service"]["Error"]; c != 2 {
				t.Errorf("tick.service errors counted: %d, want 2", c)
			}
		})
	}
}
