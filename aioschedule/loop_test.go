package aioschedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

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
