package aioschedule

import (
	"context"
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
