package aioled

import (
	"context"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// cancelAfter cancels its animation's context once n frames are shown.
type cancelAfter struct {
	Strip
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Show() error {
	err := c.Strip.Show()
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return err
}

// runEndless runs the animation name forever on a fake clock that jumps
// to each timer the animation arms, until stop says so (from the
// animation's goroutine) or, should the animation never arm a timer, a
// real-time bound passes. It returns the frames and the fake time spent.
func runEndless(t *testing.T, name string, o Options, frames int) ([]Frame, time.Duration) {
	t.Helper()
	fn, _ := Lookup(name)
	fc := clock.NewFake(t0)
	mem := NewMemory(fc)
	ctx, cancel := context.WithCancel(WithClock(context.Background(), fc))
	defer cancel()
	s := &cancelAfter{Strip: NewStrip(4, mem, WithGamma(false)), n: frames, cancel: cancel}
	done := make(chan struct{})
	go func() { defer close(done); _ = fn(ctx, s, o) }()
	bail := time.AfterFunc(5*time.Second, cancel)
	defer bail.Stop()
	for fc.WaitTimers(1, done) {
		next, _ := fc.Next()
		fc.Set(next)
	}
	return mem.Frames(), fc.Now().Sub(t0)
}

// TestEndlessZeroWaitYields: an endless animation with wait 0 does not
// spin: its frames are at least MinFrameTime apart on its clock (it
// showed them back to back, using a whole CPU).
func TestEndlessZeroWaitYields(t *testing.T) {
	for _, name := range []string{"kr", "rainbow_cycle", "random", "color_chase", "fade_colors"} {
		o, _ := Defaults(name)
		o.Wait, o.Loops = 0, 0
		frames, _ := runEndless(t, name, o, 20)
		if len(frames) < 20 {
			t.Fatalf("%s: %d frames, want 20", name, len(frames))
		}
		for i := 1; i < 20; i++ {
			if gap := frames[i].At.Sub(frames[i-1].At); gap < MinFrameTime {
				t.Errorf("%s: frames %d and %d %v apart, want at least %v", name, i-1, i, gap, MinFrameTime)
				break
			}
		}
	}
}

// TestEndlessPulseWithoutBeatsYields: a pulse of no beats and wait 0
// shows nothing, and still waits MinFrameTime a loop rather than spin.
func TestEndlessPulseWithoutBeatsYields(t *testing.T) {
	fc := clock.NewFake(t0)
	ctx, cancel := context.WithCancel(WithClock(context.Background(), fc))
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Pulse(ctx, NewStrip(2, NewMemory(fc)), Options{Color: Red})
	}()
	bail := make(chan struct{})
	stop := time.AfterFunc(5*time.Second, func() { close(bail) })
	defer stop.Stop()
	for i := 0; i < 10; i++ {
		if !fc.WaitTimers(1, bail) {
			cancel()
			<-done
			t.Fatal("an endless pulse of no beats armed no timer: it spins")
		}
		next, _ := fc.Next()
		fc.Set(next)
	}
	cancel()
	<-done
	if spent := fc.Now().Sub(t0); spent < 10*MinFrameTime {
		t.Errorf("10 loops in %v, want at least %v", spent, 10*MinFrameTime)
	}
}
