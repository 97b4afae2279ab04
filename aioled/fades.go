package aioled

import (
	"context"
	"time"
)

// FadeIn fades the strip from black up to Color in one frame per level
// of Color's brightest channel, over Wait.
func FadeIn(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		return f.loop(func(int) error { return f.fadeIn(o.Color, o.Wait) })
	})
}

// FadeOut fades the strip from Color down to black, as FadeIn backwards.
func FadeOut(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		return f.loop(func(int) error { return f.fadeOut(o.Color, o.Wait) })
	})
}

// Breathe fades in to Color and out again (FadeIn then FadeOut), each
// fade taking Wait.
func Breathe(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		return f.loop(func(int) error { return f.breathe(o.Color, o.Wait) })
	})
}

// FadeColors fades from Color to Color2 in Steps frames (255 when 0) over
// Wait; a second loop fades back, a third forth again. With Cycle,
// RandomCycle or BF each step colours one pixel instead of the whole
// strip (see Options).
func FadeColors(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		idx := 0
		return f.loop(func(i int) error {
			if i%2 == 1 {
				return f.fade(o.Color2, o.Color, &idx)
			}
			return f.fade(o.Color, o.Color2, &idx)
		})
	})
}

// SunsetFade fades through the Sunset palette, each fade taking Wait, and
// ends black.
func SunsetFade(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		idx := 0
		return f.loop(func(int) error {
			for i := 0; i+1 < len(Sunset); i++ {
				if err := f.fade(Sunset[i], Sunset[i+1], &idx); err != nil {
					return err
				}
			}
			return f.fill(Black, 0)
		})
	})
}

// RandomWalkFill fills the strip with Color, then moves each channel by
// a random step (see MaxStep, RandStep) every Wait, kept in 0..255: the
// colour wanders. It stops after Loops steps or TimeWalk, whichever is
// set (forever when neither).
func RandomWalkFill(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		c := o.Color
		if err := f.fill(c, o.Wait); err != nil {
			return err
		}
		return f.walk(func() error {
			c = f.step(c)
			return f.fill(c, o.Wait)
		})
	})
}

// RandomWalkBreathe breathes (see Breathe) in a colour that takes a
// random step from Color at each breath.
func RandomWalkBreathe(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		c := o.Color
		return f.walk(func() error {
			c = f.step(c)
			return f.breathe(c, o.Wait)
		})
	})
}

// RandomWalkFade fills the strip with Color, fades to Color2 (see
// FadeColors), then fades on to a colour a random step away, again and
// again.
func RandomWalkFade(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		idx := 0
		Fill(s, o.Color)
		if err := f.fade(o.Color, o.Color2, &idx); err != nil {
			return err
		}
		c := o.Color2
		return f.walk(func() error {
			next := f.step(c)
			if err := f.fade(c, next, &idx); err != nil {
				return err
			}
			c = next
			return nil
		})
	})
}

// walk runs step until it has run Loops times or TimeWalk has passed
// (forever when neither is set).
func (f *frames) walk(step func() error) error {
	start := f.clk.Now()
	for i := 0; f.o.Loops == 0 || i < f.o.Loops; i++ {
		if f.o.TimeWalk > 0 && f.clk.Now().Sub(start) >= f.o.TimeWalk {
			return nil
		}
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// step moves each of c's red, green and blue by up to MaxStep
// (RandStep) or exactly MaxStep, up or down at random, kept in 0..255.
// White stays: the seed's colours had three channels.
func (f *frames) step(c Color) Color {
	ch := func(v uint8) uint8 {
		d := f.o.MaxStep
		if f.o.RandStep {
			d = f.rng.IntN(f.o.MaxStep + 1)
		}
		if f.rng.IntN(2) == 0 {
			d = -d
		}
		return uint8(min(max(int(v)+d, 0), 255))
	}
	return Color{ch(c.R), ch(c.G), ch(c.B), c.W}
}

// fadeIn shows c from black up, one frame per level of its brightest
// channel, over wait (one black frame for a black c).
func (f *frames) fadeIn(c Color, wait time.Duration) error {
	m := int(c.max())
	if m == 0 {
		return f.fill(Black, wait)
	}
	for v := 0; v <= m; v++ {
		if err := f.fill(c.scale(v, m), wait/time.Duration(m)); err != nil {
			return err
		}
	}
	return nil
}

// fadeOut is fadeIn backwards.
func (f *frames) fadeOut(c Color, wait time.Duration) error {
	m := int(c.max())
	if m == 0 {
		return f.fill(Black, wait)
	}
	for v := m; v >= 0; v-- {
		if err := f.fill(c.scale(v, m), wait/time.Duration(m)); err != nil {
			return err
		}
	}
	return nil
}

func (f *frames) breathe(c Color, wait time.Duration) error {
	if err := f.fadeIn(c, wait); err != nil {
		return err
	}
	return f.fadeOut(c, wait)
}

// fade goes from a to b in Steps frames over Wait, in the mode the
// options say; idx counts the steps across fades, for the cycle modes.
func (f *frames) fade(a, b Color, idx *int) error {
	steps := f.o.Steps
	if steps == 0 {
		steps = 255
	}
	n := f.s.Len()
	for k := 1; k <= steps; k++ {
		c := lerp(a, b, k, steps)
		*idx++
		switch {
		case f.o.RandomCycle:
			f.s.Set(f.rng.IntN(n), c)
		case f.o.Cycle && f.o.BF && (*idx/n)%2 == 1:
			f.s.Set(n-1-*idx%n, c)
		case f.o.Cycle:
			f.s.Set(*idx%n, c)
		default:
			Fill(f.s, c)
		}
		if err := f.show(f.o.Wait / time.Duration(steps)); err != nil {
			return err
		}
	}
	return nil
}
