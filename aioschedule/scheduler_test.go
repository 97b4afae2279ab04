package aioschedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

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
