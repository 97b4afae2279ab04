package aioled

import (
	"context"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// Animation draws on a strip until it has run Options.Loops times
// (forever when 0) or ctx is cancelled. Every animation of this package
// follows the same contract:
//   - it shows a frame, then waits (Options.Wait or the part of it its
//     doc says) on the clock of ctx (WithClock; otherwise that of the
//     aioctl task running it; otherwise the real clock);
//   - when it has run its loops it returns nil and leaves its last frame
//     on the strip;
//   - when ctx is cancelled it clears the strip (shows it black) and
//     returns ctx's error.
type Animation func(ctx context.Context, s Strip, o Options) error

type clockKey struct{}

// WithClock returns a context whose animations take their time from c.
func WithClock(ctx context.Context, c clock.Clock) context.Context {
	return context.WithValue(ctx, clockKey{}, c)
}

// clockOf returns the clock animations use under ctx.
func clockOf(ctx context.Context) clock.Clock {
	if c, ok := ctx.Value(clockKey{}).(clock.Clock); ok && c != nil {
		return c
	}
	if t := aioctl.FromContext(ctx); t != nil {
		return t.Group().Clock()
	}
	return clock.Real{}
}

// Lookup returns the animation called name.
func Lookup(name string) (Animation, bool) {
	a, ok := animations[name]
	return a.fn, ok
}

// Player plays animations on a strip as an aioctl task: its Play method
// is an aioctl.Func, so start, stop, restart and "set args" work on it,
// and Register offers each animation as a kind ("add led_kr").
type Player struct {
	Strip Strip
	// Clock is the animations' time source; nil: the task's group clock.
	Clock clock.Clock
}

// Play runs the animation o.Animation on the strip and returns how many
// frames it showed. Options that Validate refuses are an error before
// anything is shown.
func (p *Player) Play(ctx context.Context, o Options) (int, error) {
	if err := o.Validate(); err != nil {
		return 0, err
	}
	if p.Strip == nil || p.Strip.Len() == 0 {
		return 0, ErrEmptyStrip
	}
	if p.Clock != nil {
		ctx = WithClock(ctx, p.Clock)
	}
	c := &counting{Strip: p.Strip}
	err := animations[o.Animation].fn(ctx, c, o)
	return c.n, err
}

// Register offers every animation as a kind of task of g named
// prefix+name ("led_" gives led_kr, led_pulse, …), each with its
// Defaults, playing on p's strip. The options apply to every task.
func Register(g *aioctl.Group, p *Player, prefix string, opts ...aioctl.Option) error {
	for _, n := range Names() {
		d, _ := Defaults(n)
		if err := aioctl.Register(g, prefix+n, p.Play, d, opts...); err != nil {
			return err
		}
	}
	return nil
}

// counting counts the frames shown.
type counting struct {
	Strip
	n int
}

func (c *counting) Show() error { c.n++; return c.Strip.Show() }

// MinFrameTime is the least time between two frames of an animation, and
// the least time a loop of one takes, whatever its Wait: an endless
// animation with wait 0 would otherwise show frames back to back and keep
// a CPU busy (or, under TinyGo, starve every other goroutine). A frame
// that comes sooner waits the rest on the animation's clock first. 1 ms
// is below what a strip shows anyway (a WS2812 frame of 30 pixels takes
// about 1 ms on the wire), so no animation with a real Wait is slowed.
const MinFrameTime = time.Millisecond

// frames is what every animation shares: the strip, its context, one
// reusable timer, and its random numbers.
type frames struct {
	ctx   context.Context
	s     Strip
	clk   clock.Clock
	timer clock.Timer
	o     Options
	rng   *rand.Rand
	last  time.Time // when the last frame was shown; zero before the first
}

// play runs body with a frames value and applies the cancellation
// contract: a cancelled animation clears the strip.
func play(ctx context.Context, s Strip, o Options, body func(f *frames) error) error {
	if s.Len() == 0 {
		return ErrEmptyStrip
	}
	if err := o.validateValues(); err != nil {
		return err
	}
	f := &frames{ctx: ctx, s: s, clk: clockOf(ctx), o: o}
	if o.Seed != 0 {
		f.rng = rand.New(rand.NewPCG(o.Seed, 0))
	} else {
		f.rng = rand.New(rand.NewPCG(uint64(f.clk.Now().UnixNano()), 1))
	}
	err := body(f)
	if f.timer != nil {
		f.timer.Stop()
	}
	if cerr := ctx.Err(); cerr != nil {
		Fill(s, Black)
		_ = s.Show() // the cancellation is the error to report
		return cerr
	}
	return err
}

// show shows the buffer, no sooner than MinFrameTime after the last
// frame, then waits d.
func (f *frames) show(d time.Duration) error {
	if err := f.ctx.Err(); err != nil {
		return err
	}
	now := f.clk.Now()
	if !f.last.IsZero() {
		if rest := MinFrameTime - now.Sub(f.last); rest > 0 {
			if err := f.sleep(rest); err != nil {
				return err
			}
			now = f.clk.Now()
		}
	}
	if err := f.s.Show(); err != nil {
		return err
	}
	f.last = now
	return f.sleep(d)
}

// fill fills the strip with c, shows it and waits d.
func (f *frames) fill(c Color, d time.Duration) error {
	Fill(f.s, c)
	return f.show(d)
}

// sleep waits d on the clock, or until the context ends. A zero wait
// still yields, so that a forever animation with no wait cannot starve
// a cooperative scheduler (TinyGo).
func (f *frames) sleep(d time.Duration) error {
	if d <= 0 {
		runtime.Gosched()
		return f.ctx.Err()
	}
	if f.timer == nil {
		f.timer = f.clk.NewTimer(d)
	} else {
		f.timer.Reset(d)
	}
	select {
	case <-f.ctx.Done():
		return f.ctx.Err()
	case <-f.timer.C():
		return nil
	}
}

// loop runs one until it has run o.Loops times (forever when 0); i counts
// from 0. A loop starts no sooner than MinFrameTime after the one before,
// so that one that shows no frame (a pulse of no beats and no wait) does
// not spin either.
func (f *frames) loop(one func(i int) error) error {
	var start time.Time
	for i := 0; f.o.Loops == 0 || i < f.o.Loops; i++ {
		if i > 0 {
			if rest := MinFrameTime - f.clk.Now().Sub(start); rest > 0 {
				if err := f.sleep(rest); err != nil {
					return err
				}
			}
		}
		start = f.clk.Now()
		if err := one(i); err != nil {
			return err
		}
	}
	return nil
}
