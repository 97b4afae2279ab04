package aioschedule_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
)

// BenchmarkBurstFire10k is the scheduler's side of the burst load on a fake
// clock, without waiting for the wall clock: one op moves the clock a
// second, which makes 10,000 schedules due at once, and waits until all
// their runs have ended. ns/run is the cost of one scheduled run (the
// scheduler's work plus the task's lifecycle), the figure to profile.
func BenchmarkBurstFire10k(b *testing.B) {
	const n = present
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	g := aioctl.NewGroup(aioctl.WithClock(clk), aioctl.WithLogger(quietGroup().Logger()))
	defer closeGroup(g)
	s := aioschedule.New(g, aioschedule.WithMaxSleep(0))
	defer s.Close()
	var ran atomic.Int64
	all := make(chan struct{}, 1)
	var want atomic.Int64
	fn := func(context.Context, int) (struct{}, error) {
		if ran.Add(1) == want.Load() {
			all <- struct{}{}
		}
		return struct{}{}, nil
	}
	tasks := make([]*aioctl.Task, n)
	for i := range n {
		t, err := aioschedule.Add(s, fn, i, aioschedule.Spec{StartIn: time.Second, Repeat: time.Second},
			aioctl.WithName("t"+strconv.Itoa(i)))
		if err != nil {
			b.Fatal(err)
		}
		tasks[i] = t
	}
	b.ReportAllocs()
	for b.Loop() {
		want.Add(n)
		clk.WaitTimers(1, nil)
		clk.Advance(time.Second)
		<-all
		for _, t := range tasks {
			<-t.Done()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/run")
	if st := s.Stats(); st.Skipped != 0 || st.Missed != 0 {
		b.Fatalf("runs skipped or missed: %+v", st)
	}
}
