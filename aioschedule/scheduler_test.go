package aioschedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// env is a group on a fake clock with a scheduler over it.
type env struct {
	t    *testing.T
	clk  *clock.Fake
	g    *aioctl.Group
	s    *Scheduler
	done chan struct{}
}

func newEnv(t *testing.T, opts ...Option) *env {
	t.Helper()
	clk := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(clk))
	e := &env{t: t, clk: clk, g: g, done: make(chan struct{})}
	e.s = New(g, opts...)
	t.Cleanup(func() {
		close(e.done)
		e.s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Close(ctx)
	})
	return e
}

// waitArmed blocks until the scheduler's timer is armed (its goroutine
// has finished the previous step).
func (e *env) waitArmed() {
	e.t.Helper()
	if !e.clk.WaitTimers(1, e.done) {
		e.t.Fatal("scheduler timer never armed")
	}
}

// counter is a task function that reports each start on a channel.
func counter(ch chan time.Time, clk clock.Clock) aioctl.Func[struct{}, int] {
	return func(ctx context.Context, _ struct{}) (int, error) {
		ch <- clk.Now()
		return 0, nil
	}
}

func TestFirstRunAndRepeat(t *testing.T) {
	e := newEnv(t)
	runs := make(chan time.Time, 10)
	task, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("world"))
	if err != nil {
		t.Fatal(err)
	}
	if task.State() != aioctl.Scheduled {
		t.Fatalf("state %v, want scheduled", task.State())
	}
	e.waitArmed()
	if next, _ := e.clk.Next(); !next.Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("timer at %v, want %v", next, t0.Add(5*time.Second))
	}
	e.clk.Advance(5 * time.Second)
	if got := <-runs; !got.Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("first run at %v", got)
	}
	e.waitArmed()
	<-task.Done()
	e.clk.Advance(10 * time.Second)
	if got := <-runs; !got.Equal(t0.Add(15 * time.Second)) {
		t.Fatalf("second run at %v", got)
	}
	e.waitArmed()
	l := e.s.List()
	if len(l) != 1 || !l[0].Last.Equal(t0.Add(15*time.Second)) || !l[0].Next.Equal(t0.Add(25*time.Second)) {
		t.Fatalf("list %+v", l)
	}
}

// blocker is a task function that reports its start and runs until
// released or cancelled.
type blocker struct {
	started chan time.Time
	release chan struct{}
	clk     clock.Clock
}

func newBlocker(clk clock.Clock) *blocker {
	return &blocker{started: make(chan time.Time, 10), release: make(chan struct{}), clk: clk}
}

func (b *blocker) fn(ctx context.Context, _ struct{}) (int, error) {
	b.started <- b.clk.Now()
	select {
	case <-b.release:
		return 1, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (e *env) entry(name string) Entry {
	e.t.Helper()
	for _, x := range e.s.List() {
		if x.Task == name {
			return x
		}
	}
	e.t.Fatalf("no entry for %s", name)
	return Entry{}
}

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestAtTime(t *testing.T) {
	e := newEnv(t)
	runs := make(chan time.Time, 10)
	task, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{At: at(time.Hour).Format(time.RFC3339)}, aioctl.WithName("once"))
	if err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	e.clk.Advance(59 * time.Minute)
	select {
	case <-runs:
		t.Fatal("ran early")
	default:
	}
	e.waitArmed()
	e.clk.Advance(time.Minute)
	if got := <-runs; !got.Equal(at(time.Hour)) {
		t.Fatalf("ran at %v", got)
	}
	<-task.Done()
	// A single run: nothing left to arm, and the goroutine is gone.
	waitIdle(t, e.s)
	if x := e.entry("once"); !x.Next.IsZero() || !x.Last.Equal(at(time.Hour)) {
		t.Fatalf("entry %+v", x)
	}
}

// waitIdle waits until the scheduler's goroutine has returned.
func waitIdle(t *testing.T, s *Scheduler) {
	t.Helper()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scheduler goroutine still running with nothing scheduled")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		t.Fatal("scheduler marked running")
	}
}

func TestNoGoroutineWhileNothingScheduled(t *testing.T) {
	e := newEnv(t)
	aioctl.MustAdd(e.g, func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }, struct{}{}, aioctl.WithName("x"), aioctl.Deferred())
	waitIdle(t, e.s) // never started
	if err := e.s.Schedule("x", Spec{StartIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	if err := e.s.Unschedule("x"); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e.s)
	if n := e.clk.Timers(); n != 0 {
		t.Fatalf("%d timers armed", n)
	}
	if err := e.s.Unschedule("x"); !errors.Is(err, ErrNotScheduled) {
		t.Fatalf("second unschedule: %v", err)
	}
}

func TestRearmOnEarlierSchedule(t *testing.T) {
	e := newEnv(t, WithMaxSleep(0))
	runs := make(chan time.Time, 10)
	if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Hour}, aioctl.WithName("late")); err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Minute}, aioctl.WithName("early")); err != nil {
		t.Fatal(err)
	}
	waitNext(t, e.clk, at(time.Minute))
	// Changing a schedule re-arms too.
	if err := e.s.Schedule("early", Spec{StartIn: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	waitNext(t, e.clk, at(30*time.Second))
	if n := e.clk.Timers(); n != 1 {
		t.Fatalf("%d timers, want the one", n)
	}
}

// waitNext waits until the one armed timer is due at want.
func waitNext(t *testing.T, clk *clock.Fake, want time.Time) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if next, ok := clk.Next(); ok && next.Equal(want) && clk.Timers() == 1 {
			return
		}
		if time.Now().After(deadline) {
			next, _ := clk.Next()
			t.Fatalf("timer at %v, want %v", next, want)
		}
		runtime.Gosched()
	}
}

func TestNoOverlapSkipCount(t *testing.T) {
	e := newEnv(t)
	b := newBlocker(e.clk)
	if _, err := Add(e.s, b.fn, struct{}{}, Spec{StartIn: time.Second, Repeat: time.Second}, aioctl.WithName("slow")); err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	e.clk.Advance(time.Second)
	<-b.started
	for i := 0; i < 3; i++ {
		e.waitArmed()
		e.clk.Advance(time.Second)
	}
	e.waitArmed()
	x := e.entry("slow")
	if x.Skipped != 3 || !x.Last.Equal(at(time.Second)) || !x.Next.Equal(at(5*time.Second)) {
		t.Fatalf("entry %+v", x)
	}
	select {
	case <-b.started:
		t.Fatal("started while running")
	default:
	}
	close(b.release)
	task, _ := e.g.Get("slow")
	<-task.Done()
	e.clk.Advance(time.Second)
	if got := <-b.started; !got.Equal(at(5 * time.Second)) {
		t.Fatalf("run after release at %v", got)
	}
	e.waitArmed() // the loop has counted the run (the task starts before it does)
	if st := e.s.Stats(); st.Skipped != 3 || st.Runs != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestJitterBoundsAndGrid(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999999} {
		e := newEnv(t, WithRand(func() float64 { return r }), WithMaxSleep(0))
		runs := make(chan time.Time, 10)
		jit := 10 * time.Second
		if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Minute, Repeat: time.Minute, Jitter: jit}, aioctl.WithName("j")); err != nil {
			t.Fatal(err)
		}
		off := time.Duration(r * float64(jit))
		for k := 1; k <= 3; k++ {
			slot := at(time.Duration(k) * time.Minute)
			waitNext(t, e.clk, slot.Add(off))
			if off < 0 || off >= jit {
				t.Fatalf("jitter %v out of [0, %v)", off, jit)
			}
			e.clk.Set(slot.Add(off))
			if got := <-runs; !got.Equal(slot.Add(off)) {
				t.Fatalf("run %d at %v, want %v", k, got, slot.Add(off))
			}
			task, _ := e.g.Get("j")
			<-task.Done()
		}
	}
	// The default source stays in bounds.
	e := newEnv(t, WithMaxSleep(0))
	aioctl.MustAdd(e.g, func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }, struct{}{}, aioctl.WithName("r"), aioctl.Deferred())
	for i := 0; i < 200; i++ {
		if err := e.s.Schedule("r", Spec{StartIn: time.Minute, Jitter: time.Second}); err != nil {
			t.Fatal(err)
		}
		n := e.entry("r").Next
		if n.Before(at(time.Minute)) || !n.Before(at(time.Minute+time.Second)) {
			t.Fatalf("next %v out of bounds", n)
		}
	}
}

func TestCatchUp(t *testing.T) {
	for _, catchUp := range []bool{false, true} {
		var logs bytes.Buffer
		e := newEnv(t, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		runs := make(chan time.Time, 10)
		task, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: 10 * time.Minute, Repeat: 10 * time.Minute, CatchUp: catchUp}, aioctl.WithName("c"))
		if err != nil {
			t.Fatal(err)
		}
		e.waitArmed()
		e.clk.Advance(10 * time.Minute)
		<-runs
		// The run must have returned, or the catch-up run is skipped
		// (still running) and the test waits forever.
		<-task.Done()
		e.waitArmed()
		// The machine sleeps: the next wake-up is 65 minutes later, past
		// the runs of 20, 30, 40, 50, 60 and 70 minutes.
		e.clk.Advance(65 * time.Minute)
		e.waitArmed()
		x := e.entry("c")
		wantMissed := 6
		if catchUp {
			wantMissed = 5
			if got := <-runs; !got.Equal(at(75 * time.Minute)) {
				t.Fatalf("catch-up run at %v", got)
			}
		}
		select {
		case r := <-runs:
			t.Fatalf("catch_up=%v: extra run at %v", catchUp, r)
		default:
		}
		if x.Missed != wantMissed || !x.Next.Equal(at(80*time.Minute)) {
			t.Fatalf("catch_up=%v: entry %+v", catchUp, x)
		}
		if !strings.Contains(logs.String(), "missed runs") || !strings.Contains(logs.String(), "missed="+strconv.Itoa(wantMissed)) {
			t.Fatalf("log %q", logs.String())
		}
	}
}

func TestLateButWithinToleranceRuns(t *testing.T) {
	e := newEnv(t)
	runs := make(chan time.Time, 10)
	if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Second, Repeat: time.Second}, aioctl.WithName("s")); err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	// 10.5 s pass at once: the run of 10 s is half a second late and runs;
	// the nine before it are missed.
	e.clk.Advance(10500 * time.Millisecond)
	if got := <-runs; !got.Equal(at(10500 * time.Millisecond)) {
		t.Fatalf("run at %v", got)
	}
	e.waitArmed()
	if x := e.entry("s"); x.Missed != 9 || !x.Next.Equal(at(11*time.Second)) {
		t.Fatalf("entry %+v", x)
	}
}

func TestStopUnschedulesStartKeepsTiming(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	b := newBlocker(e.clk)
	task, err := Add(e.s, b.fn, struct{}{}, Spec{StartIn: 10 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("w"))
	if err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	e.clk.Advance(10 * time.Second)
	<-b.started
	e.waitArmed()
	e.clk.Advance(2 * time.Second)
	if _, err := e.g.Stop(ctx, "w"); err != nil {
		t.Fatal(err)
	}
	if x := e.entry("w"); !x.Paused || !x.Next.IsZero() {
		t.Fatalf("after stop: %+v", x)
	}
	waitIdle(t, e.s)
	// Started again before the next run was due: the timing is kept.
	e.clk.Advance(3 * time.Second) // 15 s
	if _, err := task.Start(); err != nil {
		t.Fatal(err)
	}
	<-b.started
	if x := e.entry("w"); x.Paused || !x.Next.Equal(at(20*time.Second)) {
		t.Fatalf("after start: %+v", x)
	}
	e.waitArmed()
	if _, err := e.g.Stop(ctx, "w"); err != nil {
		t.Fatal(err)
	}
	// Started after the run of 20 s was due: this start is that run, and
	// the schedule goes on at 30 s, 40 s, …
	e.clk.Advance(10 * time.Second) // 25 s
	if _, err := task.Start(); err != nil {
		t.Fatal(err)
	}
	<-b.started
	if x := e.entry("w"); x.Paused || !x.Next.Equal(at(30*time.Second)) || !x.Last.Equal(at(25*time.Second)) {
		t.Fatalf("after late start: %+v", x)
	}
	e.waitArmed()
	close(b.release)
	<-task.Done()
	e.clk.Advance(5 * time.Second)
	if got := <-b.started; !got.Equal(at(30 * time.Second)) {
		t.Fatalf("run at %v", got)
	}
}

func TestStopOfScheduledTaskAndKeep(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: time.Minute}, aioctl.WithName("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: time.Minute, Keep: true}, aioctl.WithName("k")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.g.Stop(ctx, "a", "k"); err != nil {
		t.Fatal(err)
	}
	if x := e.entry("a"); !x.Paused {
		t.Fatalf("a: %+v", x)
	}
	if x := e.entry("k"); x.Paused || !x.Next.Equal(at(time.Minute)) {
		t.Fatalf("k: %+v", x)
	}
	// Deleting a task forgets its schedule.
	if _, err := e.g.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if l := e.s.List(); len(l) != 1 || l[0].Task != "a" {
		t.Fatalf("list %+v", l)
	}
	waitIdle(t, e.s)
}

func TestStartedAfterDueRunsAtOnce(t *testing.T) {
	e := newEnv(t)
	e.clk.Advance(time.Hour) // the scheduler started an hour ago
	runs := make(chan time.Time, 10)
	if _, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: 20 * time.Second, Repeat: time.Minute, From: FromStart}, aioctl.WithName("s")); err != nil {
		t.Fatal(err)
	}
	if got := <-runs; !got.Equal(at(time.Hour)) {
		t.Fatalf("run at %v", got)
	}
	e.waitArmed()
	if x := e.entry("s"); x.Missed != 0 || !x.Next.Equal(at(time.Hour+20*time.Second)) {
		t.Fatalf("entry %+v", x)
	}
}

func TestScheduleRefusals(t *testing.T) {
	e := newEnv(t)
	if err := e.s.Schedule("nope", Spec{}); !errors.Is(err, aioctl.ErrNotFound) {
		t.Fatalf("unknown task: %v", err)
	}
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	if _, err := Add(e.s, noop, struct{}{}, Spec{Cron: "0 0 31 2 *"}, aioctl.WithName("bad")); !errors.Is(err, ErrBadSpec) {
		t.Fatalf("bad spec: %v", err)
	}
	if _, ok := e.g.Get("bad"); ok {
		t.Fatal("a refused spec added its task")
	}
	aioctl.MustAdd(e.g, noop, struct{}{}, aioctl.WithName("x"), aioctl.Deferred())
	if err := e.s.Schedule("x", Spec{Repeat: -time.Second}); !errors.Is(err, ErrBadSpec) {
		t.Fatalf("negative repeat: %v", err)
	}
	if len(e.s.List()) != 0 {
		t.Fatal("a refused spec was scheduled")
	}
	e.s.Close()
	e.s.Close()
	if err := e.s.Schedule("x", Spec{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func TestCronOnFakeClockAcrossGap(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	clk := clock.NewFake(time.Date(2025, 3, 8, 12, 0, 0, 0, ny))
	g := aioctl.NewGroup(aioctl.WithClock(clk))
	s := New(g, WithMaxSleep(0))
	done := make(chan struct{})
	defer func() { close(done); s.Close(); _ = g.Close(context.Background()) }()
	runs := make(chan time.Time, 10)
	if _, err := Add(s, counter(runs, clk), struct{}{}, Spec{Cron: "30 2 * * *", TZ: "America/New_York"}, aioctl.WithName("c")); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2025, 3, 9, 3, 0, 0, 0, ny), time.Date(2025, 3, 10, 2, 30, 0, 0, ny)}
	for _, w := range want {
		clk.WaitTimers(1, done)
		next, _ := clk.Next()
		if !next.Equal(w) {
			t.Fatalf("armed for %v, want %v", next, w)
		}
		clk.Set(next)
		if got := <-runs; !got.Equal(w) {
			t.Fatalf("ran at %v, want %v", got, w)
		}
		task, _ := g.Get("c")
		<-task.Done()
	}
}

func TestMaxSleepWakeups(t *testing.T) {
	e := newEnv(t, WithMaxSleep(time.Minute))
	aioctl.MustAdd(e.g, func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }, struct{}{}, aioctl.WithName("d"), aioctl.Deferred())
	if err := e.s.Schedule("d", Spec{StartIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		waitNext(t, e.clk, at(time.Duration(i+1)*time.Minute))
		e.clk.Advance(time.Minute)
	}
	waitNext(t, e.clk, at(4*time.Minute))
	if st := e.s.Stats(); st.IdleWakeups != 3 || st.Runs != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestPauseFinishedTaskAndResume(t *testing.T) {
	e := newEnv(t)
	runs := make(chan time.Time, 10)
	task, err := Add(e.s, counter(runs, e.clk), struct{}{}, Spec{StartIn: time.Minute, Repeat: time.Minute}, aioctl.WithName("p"))
	if err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	e.clk.Advance(time.Minute)
	<-runs
	<-task.Done()
	e.waitArmed()
	if err := e.s.Pause("p"); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e.s)
	if x := e.entry("p"); !x.Paused || !x.Next.IsZero() {
		t.Fatalf("paused: %+v", x)
	}
	e.clk.Advance(30 * time.Second)
	if _, err := task.Start(); err != nil {
		t.Fatal(err)
	}
	<-runs
	if x := e.entry("p"); x.Paused || !x.Next.Equal(at(2*time.Minute)) {
		t.Fatalf("resumed: %+v", x)
	}
	if err := e.s.Pause("nope"); !errors.Is(err, ErrNotScheduled) {
		t.Fatalf("pause unknown: %v", err)
	}
}
