//go:build !tinygo

// (b.Loop is Go 1.24; the core's TinyGo check builds with Go 1.23.)

package aioschedule

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// burstEnv is n schedules due every second, all at the same instant, on a
// fake clock that never moves: the scheduler's goroutine sleeps, and the
// caller collects the burst itself (the scheduler's part of each run,
// without starting tasks).
func burstEnv(tb testing.TB, n int) *Scheduler {
	clk := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(clk), aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	s := New(g, WithMaxSleep(0))
	tb.Cleanup(func() {
		s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Close(ctx)
	})
	noop := func(context.Context, struct{}) (struct{}, error) { return struct{}{}, nil }
	for i := range n {
		if _, err := Add(s, noop, struct{}{}, Spec{StartIn: time.Second, Repeat: time.Second}, aioctl.WithName("t"+strconv.Itoa(i))); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// collectAll collects every run due at now, batch by batch, as the
// scheduler's loop does; it returns how many.
func collectAll(s *Scheduler, now time.Time, due []firing) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for len(s.h) > 0 && !s.h[0].fireAt.After(now) {
		due = s.collectLocked(now, due[:0])
		n += len(due)
	}
	return n
}

// BenchmarkCollectBurst10k is the scheduler's own work per run when 10,000
// schedules are due at once (the burst row of issue 13 without the task
// lifecycle, which is aioctl's): take each from the heap, plan its next
// run, sink it back. ns/fire is the figure.
func BenchmarkCollectBurst10k(b *testing.B) {
	const n = 10_000
	s := burstEnv(b, n)
	now := t0
	due := make([]firing, 0, collectBatch)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		if got := collectAll(s, now, due); got != n {
			b.Fatalf("collected %d runs, want %d", got, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/fire")
}

// A burst of due runs costs the scheduler no allocation per run: the
// batch slice is reused, entries are re-planned in place in the heap.
func TestCollectBurstAllocatesNothing(t *testing.T) {
	s := burstEnv(t, 2000)
	now := t0
	due := make([]firing, 0, collectBatch)
	allocs := testing.AllocsPerRun(5, func() {
		now = now.Add(time.Second)
		if got := collectAll(s, now, due); got != 2000 {
			t.Fatalf("collected %d runs, want 2000", got)
		}
	})
	if allocs != 0 {
		t.Errorf("collecting 2000 due runs allocates %v times", allocs)
	}
}
