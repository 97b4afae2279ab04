package aioschedule

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
	"go.uber.org/goleak"
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
