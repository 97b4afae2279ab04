package aioled

import (
	"context"
	"time"
)

// animation is one entry of the table of animations.
type animation struct {
	fn       Animation
	defaults Options
}

// animations are the seed's animations by their seed names.
var animations = map[string]animation{
	"fill":                {FillStrip, Options{Color: Purple, Loops: 1}},
	"clear":               {ClearStrip, Options{Loops: 1}},
	"color_chase":         {ColorChase, Options{Color: Cyan, Wait: 50 * time.Millisecond}},
	"rainbow_cycle":       {RainbowCycle, Options{Wait: 20 * time.Millisecond}},
	"as_rainbow":          {AsRainbow, Options{Wait: 20 * time.Millisecond}},
	"kr":                  {KR, Options{Color: Red, Wait: 60 * time.Millisecond, Length: 3}},
	"random":              {Random, Options{Wait: 100 * time.Millisecond, Clear: true}},
	"fade_in":             {FadeIn, Options{Color: Yellow, Wait: time.Second, Loops: 1}},
	"fade_out":            {FadeOut, Options{Color: Yellow, Wait: time.Second, Loops: 1}},
	"fade_colors":         {FadeColors, Options{Color: Red, Color2: Blue, Wait: 2 * time.Second}},
	"sunset_fade":         {SunsetFade, Options{Wait: time.Second, Loops: 1}},
	"breathe":             {Breathe, Options{Color: Cyan, Wait: time.Second}},
	"pulse":               {Pulse, Options{Color: Red, Wait: time.Second, Beats: 2, BeatWait: 200 * time.Millisecond}},
	"random_walk_fill":    {RandomWalkFill, Options{Color: Purple, Wait: 50 * time.Millisecond, MaxStep: 8, RandStep: true}},
	"random_walk_breathe": {RandomWalkBreathe, Options{Color: Cyan, Wait: time.Second, MaxStep: 32, RandStep: true}},
	"random_walk_fade":    {RandomWalkFade, Options{Color: Red, Color2: Blue, Wait: time.Second, MaxStep: 32, RandStep: true}},
}

// FillStrip fills the strip with Color and shows it, once: the seed's
// fill. It ignores Loops and Wait.
func FillStrip(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error { return f.fill(o.Color, 0) })
}

// ClearStrip shows the strip black, once: the seed's clear.
func ClearStrip(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error { return f.fill(Black, 0) })
}

// ColorChase lights the pixels one by one in Color, a frame and a Wait
// each, from the first to the last. Each loop starts from a dark strip
// (the seed ran once; a second run over a lit strip would show nothing).
func ColorChase(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		return f.loop(func(int) error {
			Fill(s, Black)
			for i := range s.Len() {
				s.Set(i, o.Color)
				if err := f.show(o.Wait); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// RainbowCycle spreads the colour wheel over the strip and turns it, 255
// frames a loop, Wait each.
func RainbowCycle(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		n := s.Len()
		return f.loop(func(int) error {
			for j := range 255 {
				for i := range n {
					s.Set(i, Wheel(uint8(i*256/n+j)))
				}
				if err := f.show(o.Wait); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// AsRainbow is the seed's as_rainbow, which shows the same frames as
// rainbow_cycle; it is kept so that the seed's names all work.
func AsRainbow(ctx context.Context, s Strip, o Options) error { return RainbowCycle(ctx, s, o) }

// KR is the Knight Rider scanner: a light Length pixels long runs from
// the first pixel to the last and back, a frame and a Wait per step, its
// tail behind it (the seed drew it towards pixel 0 both ways), so that it
// seems to stop at each end while the tail catches up. The first loop starts at pixel 0; later ones at 1, so
// that the turn at pixel 0 is not shown twice.
func KR(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		n := s.Len()
		length := min(max(o.Length, 1), n) // a longer light is the whole strip, not more work a frame
		draw := func(p, dir int) error {
			Fill(s, Black)
			for i := range length {
				s.Set(p-dir*i, o.Color)
			}
			return f.show(o.Wait)
		}
		return f.loop(func(loop int) error {
			for p := min(loop, 1); p < n; p++ {
				if err := draw(p, 1); err != nil {
					return err
				}
			}
			for p := n - 2; p >= 0; p-- {
				if err := draw(p, -1); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// Random sets a random pixel to a random colour, a frame and a Wait each,
// as many frames a loop as the strip has pixels; with Clear the strip is
// cleared before each.
func Random(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		n := s.Len()
		return f.loop(func(int) error {
			for range n {
				if o.Clear {
					Fill(s, Black)
				}
				c := RGB(uint8(f.rng.UintN(256)), uint8(f.rng.UintN(256)), uint8(f.rng.UintN(256)))
				s.Set(f.rng.IntN(n), c)
				if err := f.show(o.Wait); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// Pulse flashes the strip in Color Beats times (BeatWait on, BeatWait
// off), then waits Wait: a heartbeat.
func Pulse(ctx context.Context, s Strip, o Options) error {
	return play(ctx, s, o, func(f *frames) error {
		return f.loop(func(int) error {
			for range o.Beats {
				if err := f.fill(o.Color, o.BeatWait); err != nil {
					return err
				}
				if err := f.fill(Black, o.BeatWait); err != nil {
					return err
				}
			}
			return f.sleep(o.Wait)
		})
	})
}
