package aioschedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A user's stop that lands while the scheduler is starting a batch of due
// runs unschedules the tasks of the batch not yet started: they must not
// start. Here a's start (its CauseTrigger event) stops b, which is due in
// the same wake-up.
func TestStopDuringDueBatchIsHonoured(t *testing.T) {
	for _, how := range []string{"stop", "unschedule", "delete"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			runs := make(chan time.Time, 10)
			if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Second}, aioctl.WithName("a")); err != nil {
				t.Fatal(err)
			}
			b, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: 2 * time.Second, Repeat: time.Minute}, aioctl.WithName("b"))
			if err != nil {
				t.Fatal(err)
			}
			// Keeps the scheduler's timer armed after the batch.
			noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
			if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: time.Hour}, aioctl.WithName("later")); err != nil {
				t.Fatal(err)
			}
			unwatch := e.g.Watch(func(ev aioctl.Event) {
				if ev.Name != "a" || ev.Cause != aioctl.CauseTrigger {
					return
				}
				switch how {
				case "stop":
					_, _ = e.g.Stop(context.Background(), "b")
				case "unschedule":
					_ = e.s.Unschedule("b")
				case "delete":
					_, _ = e.g.Delete(context.Background(), "b")
				}
			})
			defer unwatch()
			e.waitArmed()
			e.clk.Advance(2 * time.Second) // a and b are both due
			<-runs                         // a
			e.waitArmed()                  // the loop is done with the batch
			if b.Done() != nil {
				t.Fatalf("%s of b before its start: b started anyway (state %v)", how, b.State())
			}
			if st := e.s.Stats(); st.Runs != 1 {
				t.Fatalf("stats %+v, want 1 run", st)
			}
		})
	}
}

// A stop of a task that is slow to return (or ignores cancellation)
// unschedules it at once: the scheduler does not keep firing it and
// counting skips while it is stopping.
func TestStopOfSlowTaskUnschedulesAtOnce(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{}, 10)
	release := make(chan struct{})
	stubborn := func(ctx context.Context, _ struct{}) (int, error) {
		started <- struct{}{}
		<-release // ignores ctx
		return 0, nil
	}
	task, err := Add(e.s, stubborn, struct{}{}, Spec{StartIn: time.Second, Repeat: time.Second}, aioctl.WithName("stubborn"))
	if err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	e.clk.Advance(time.Second)
	<-started
	e.waitArmed()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // do not wait for it
	if _, err := e.g.Stop(ctx, "stubborn"); !errors.Is(err, context.Canceled) {
		t.Fatalf("stop: %v", err)
	}
	if task.State() != aioctl.Stopping {
		t.Fatalf("state %v, want stopping", task.State())
	}
	if x := e.entry("stubborn"); !x.Paused || !x.Next.IsZero() {
		t.Fatalf("stopping task still scheduled: %+v", x)
	}
	waitIdle(t, e.s)
	close(release)
	<-task.Done()
	if x := e.entry("stubborn"); !x.Paused || x.Skipped != 0 {
		t.Fatalf("after the task returned: %+v", x)
	}
	// A start by hand resumes it with its timing.
	if _, err := task.Start(); err != nil {
		t.Fatal(err)
	}
	<-started
	if x := e.entry("stubborn"); x.Paused || !x.Next.Equal(at(2*time.Second)) {
		t.Fatalf("after start: %+v", x)
	}
}

// A schedule added after its time (it runs at once) that is paused before
// the scheduler got to it, then resumed by a start, goes on like any
// other: a later run that is missed is counted as missed, not run as if
// it were the at-once run.
func TestResumedDueScheduleCountsLaterMisses(t *testing.T) {
	e := newEnv(t, WithMissTolerance(10*time.Second))
	gate := make(chan struct{})
	inWatcher := make(chan struct{})
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: time.Hour}, aioctl.WithName("hold")); err != nil {
		t.Fatal(err)
	}
	// Hold the scheduler in the start of "hold", so that x cannot be
	// collected between its Schedule and its Pause.
	unwatch := e.g.Watch(func(ev aioctl.Event) {
		if ev.Name == "hold" && ev.Cause == aioctl.CauseTrigger {
			close(inWatcher)
			<-gate
		}
	})
	defer unwatch()
	runs := make(chan time.Time, 10)
	x := aioctl.MustAdd(e.g, counter(runs, e.clk), struct{}{}, aioctl.WithName("x"), aioctl.Deferred())
	e.waitArmed()
	e.clk.Advance(time.Hour)
	<-inWatcher
	// Due since t0+10s: it would run at once.
	if err := e.s.Schedule("x", Spec{StartIn: 10 * time.Second, Repeat: time.Minute, From: FromStart}); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Pause("x"); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Start(); err != nil { // this start is the due run
		t.Fatal(err)
	}
	<-runs
	close(gate)
	<-x.Done()
	e.waitArmed()
	if got := e.entry("x"); !got.Next.Equal(at(time.Hour + 10*time.Second)) {
		t.Fatalf("after resume: %+v", got)
	}
	// The machine sleeps past the next run by more than the tolerance.
	e.clk.Advance(10*time.Second + 2*time.Minute + 30*time.Second)
	e.waitArmed()
	got := e.entry("x")
	if got.Missed != 3 {
		t.Fatalf("missed = %d, want 3 (%+v)", got.Missed, got)
	}
	select {
	case r := <-runs:
		t.Fatalf("a missed run ran at %v (no catch_up)", r)
	default:
	}
}

// A failed Add removes the task it added, and only that one: a name that
// holds a '*' must not delete other tasks as a pattern would.
func TestFailedAddDeletesNothingElse(t *testing.T) {
	e := newEnv(t)
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	aioctl.MustAdd(e.g, noop, struct{}{}, aioctl.WithName("report_daily"), aioctl.Deferred())
	e.s.Close()
	if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: time.Minute}, aioctl.WithName("report*")); !errors.Is(err, ErrClosed) {
		t.Fatalf("add after close: %v", err)
	}
	if _, ok := e.g.Get("report_daily"); !ok {
		t.Fatal("a failed Add of \"report*\" deleted report_daily")
	}
	if _, ok := e.g.Get("report*"); ok {
		t.Fatal("a failed Add left its task in the group")
	}
}

// A number of seconds at the very top of time.Duration's range must not
// wrap around to a negative duration.
func TestSecondsAtRangeEdge(t *testing.T) {
	for _, s := range []string{"9223372036.854776", "9223372036.854775807"} {
		d, err := ParseDuration("start_in", s)
		if err == nil && d < 0 {
			t.Errorf("%s seconds: %v, a negative duration", s, d)
		}
	}
	var spec Spec
	err := spec.UnmarshalJSON([]byte(`{"jitter": 9223372036.854776}`))
	if err == nil && spec.Jitter < 0 {
		t.Errorf("jitter decoded as %v", spec.Jitter)
	}
}
