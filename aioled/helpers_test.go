package aioled

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/clock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// recorded is one animation run on a fake clock.
type recorded struct {
	frames []Frame
	err    error
}

// runFake runs the animation name on a strip of n pixels (gamma off, so
// frames show the animation's own colours) with a fake clock that jumps
// to each timer the animation arms. It cancels the animation once it has
// shown maxFrames frames (0: never) and returns what was shown,
// cancellation's clearing frame included.
func runFake(t *testing.T, name string, n int, o Options, maxFrames int) recorded {
	t.Helper()
	fn, ok := Lookup(name)
	if !ok {
		t.Fatalf("no animation %q", name)
	}
	fc := clock.NewFake(t0)
	mem := NewMemory(fc)
	s := NewStrip(n, mem, WithGamma(false))
	ctx, cancel := context.WithCancel(WithClock(context.Background(), fc))
	defer cancel()
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = fn(ctx, s, o)
	}()
	for {
		if maxFrames > 0 && mem.Len() >= maxFrames {
			cancel()
			<-done
			break
		}
		if !fc.WaitTimers(1, done) {
			break
		}
		next, _ := fc.Next()
		fc.Set(next)
	}
	<-done
	if fc.Timers() != 0 {
		t.Errorf("%s left %d timers armed", name, fc.Timers())
	}
	return recorded{frames: mem.Frames(), err: err}
}

// text writes frames one a line: the time since the start, then each
// pixel as rrggbb.
func (r recorded) text() string {
	var b strings.Builder
	for _, f := range r.frames {
		fmt.Fprintf(&b, "%-8s", "+"+f.At.Sub(t0).String())
		for _, c := range f.Pixels {
			b.WriteString(" " + c.String()[1:])
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "returned: %v\n", r.err)
	return b.String()
}
