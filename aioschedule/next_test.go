package aioschedule

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestNextRunsListsTheNextRunsOfOneSchedule(t *testing.T) {
	e := newEnv(t)
	ch := make(chan time.Time, 1)
	aioctl.MustAdd(e.g, counter(ch, e.clk), struct{}{}, aioctl.WithName("world"), aioctl.Deferred())
	aioctl.MustAdd(e.g, counter(ch, e.clk), struct{}{}, aioctl.WithName("once"), aioctl.Deferred())
	if err := e.s.Schedule("world", Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Schedule("once", Spec{StartIn: time.Minute}); err != nil {
		t.Fatal(err)
	}
	runs, err := e.s.NextRuns("world", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{t0.Add(5 * time.Second), t0.Add(15 * time.Second), t0.Add(25 * time.Second)}
	if len(runs) != 3 || !runs[0].Equal(want[0]) || !runs[1].Equal(want[1]) || !runs[2].Equal(want[2]) {
		t.Fatalf("runs = %v, want %v", runs, want)
	}
	if runs, _ := e.s.NextRuns("once", 5); len(runs) != 1 || !runs[0].Equal(t0.Add(time.Minute)) {
		t.Fatalf("a one-shot schedule: runs = %v", runs)
	}
	if _, err := e.s.NextRuns("nosuch", 3); !errors.Is(err, ErrNotScheduled) {
		t.Fatalf("err = %v", err)
	}
}

// A skipped or missed count held at its largest value stays there: status
// must never show a negative count, however long a schedule lives.
func TestCountSaturates(t *testing.T) {
	if got := addSat(math.MaxInt32-1, 5); got != math.MaxInt32 {
		t.Fatalf("addSat near the top = %d, want %d", got, math.MaxInt32)
	}
	if got := addSat(math.MaxInt32, 1); got != math.MaxInt32 {
		t.Fatalf("addSat at the top = %d", got)
	}
	if got := addSat(3, 1<<20); got != 3+1<<20 {
		t.Fatalf("addSat(3, 1<<20) = %d", got)
	}
}
