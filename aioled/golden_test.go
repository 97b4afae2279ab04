package aioled

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden frame files in testdata/")

const ms = time.Millisecond

// goldenCases run every animation on a 5-pixel strip, frame by frame on
// a fake clock; the random ones with fixed seeds. Forever animations are
// cancelled after a number of frames: their files end with the black
// frame of the cancellation and "returned: context canceled".
var goldenCases = []struct {
	file, anim string
	o          Options
	maxFrames  int
}{
	{"fill", "fill", Options{Color: Red}, 0},
	{"clear", "clear", Options{}, 0},
	{"color_chase", "color_chase", Options{Color: Cyan, Wait: 50 * ms, Loops: 2}, 0},
	{"rainbow_cycle", "rainbow_cycle", Options{Wait: 20 * ms, Loops: 1}, 0},
	{"as_rainbow_cancelled", "as_rainbow", Options{Wait: 20 * ms}, 12},
	{"kr", "kr", Options{Color: Red, Wait: 60 * ms, Length: 2, Loops: 2}, 0},
	{"random", "random", Options{Wait: 100 * ms, Loops: 2, Seed: 1}, 0},
	{"random_clear", "random", Options{Wait: 100 * ms, Loops: 1, Clear: true, Seed: 2}, 0},
	{"fade_in", "fade_in", Options{Color: RGB(8, 4, 0), Wait: 80 * ms, Loops: 1}, 0},
	{"fade_out", "fade_out", Options{Color: RGB(8, 4, 0), Wait: 80 * ms, Loops: 1}, 0},
	{"fade_colors", "fade_colors", Options{Color: RGB(0, 0, 0), Color2: RGB(10, 20, 30), Wait: 100 * ms, Steps: 10, Loops: 2}, 0},
	{"fade_colors_cycle_bf", "fade_colors", Options{Color: RGB(0, 0, 0), Color2: RGB(100, 0, 50), Wait: 120 * ms, Steps: 12, Loops: 1, Cycle: true, BF: true}, 0},
	{"fade_colors_random_cycle", "fade_colors", Options{Color: RGB(0, 0, 0), Color2: RGB(100, 0, 50), Wait: 80 * ms, Steps: 8, Loops: 1, RandomCycle: true, Seed: 3}, 0},
	{"sunset_fade", "sunset_fade", Options{Wait: 40 * ms, Steps: 4, Loops: 1}, 0},
	{"breathe", "breathe", Options{Color: RGB(4, 2, 0), Wait: 40 * ms, Loops: 2}, 0},
	{"pulse", "pulse", Options{Color: Red, Wait: 500 * ms, Beats: 2, BeatWait: 100 * ms, Loops: 2}, 0},
	{"random_walk_fill", "random_walk_fill", Options{Color: RGB(100, 50, 0), Wait: 50 * ms, MaxStep: 3, RandStep: true, Loops: 10, Seed: 7}, 0},
	{"random_walk_fill_time_walk", "random_walk_fill", Options{Color: RGB(100, 50, 0), Wait: 50 * ms, MaxStep: 3, TimeWalk: 200 * ms, Seed: 7}, 0},
	{"random_walk_breathe", "random_walk_breathe", Options{Color: RGB(4, 4, 4), Wait: 40 * ms, MaxStep: 2, Loops: 2, Seed: 7}, 0},
	{"random_walk_fade", "random_walk_fade", Options{Color: RGB(0, 0, 0), Color2: RGB(40, 20, 0), Wait: 40 * ms, Steps: 4, MaxStep: 10, RandStep: true, Loops: 2, Seed: 7}, 0},
}

// TestGoldenFrames holds every animation's frames, and their times, to
// the files in testdata/ (go test ./aioled -run TestGoldenFrames -update
// rewrites them; review the diff).
func TestGoldenFrames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range goldenCases {
		seen[c.anim] = true
		t.Run(c.file, func(t *testing.T) {
			got := runFake(t, c.anim, 5, c.o, c.maxFrames).text()
			path := filepath.Join("testdata", c.file+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("frames differ from %s (-update rewrites it):\ngot:\n%s", path, got)
			}
		})
	}
	for _, n := range Names() {
		if !seen[n] {
			t.Errorf("animation %s has no golden frames", n)
		}
	}
}

// TestRandomAnimationsRepeatWithTheirSeed: the same seed gives the same
// frames, another seed others.
func TestRandomAnimationsRepeatWithTheirSeed(t *testing.T) {
	o := Options{Wait: 10 * ms, Loops: 2, Seed: 42}
	a := runFake(t, "random", 6, o, 0).text()
	b := runFake(t, "random", 6, o, 0).text()
	o.Seed = 43
	c := runFake(t, "random", 6, o, 0).text()
	if a != b {
		t.Errorf("seed 42 gave two different runs:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43 gave the same frames")
	}
}

// TestCancelMidAnimationClearsTheStrip: every forever animation,
// cancelled between frames, shows the strip black and returns the
// context's error, with no timer left behind.
func TestCancelMidAnimationClearsTheStrip(t *testing.T) {
	for _, n := range Names() {
		o, _ := Defaults(n)
		o.Loops, o.Seed = 0, 1
		if n == "fill" || n == "clear" {
			continue // one frame, nothing to cancel
		}
		t.Run(n, func(t *testing.T) {
			r := runFake(t, n, 4, o, 7)
			if !errors.Is(r.err, context.Canceled) {
				t.Fatalf("returned %v, want context.Canceled", r.err)
			}
			if len(r.frames) < 8 {
				t.Fatalf("%d frames, want the 7 shown and the clearing one", len(r.frames))
			}
			for i, c := range r.frames[len(r.frames)-1].Pixels {
				if c != Black {
					t.Errorf("pixel %d is %v after cancellation, want black", i, c)
				}
			}
		})
	}
}

// TestFrameTimingFollowsWait: frames come Wait apart on the clock, and a
// fade's frames Wait/levels apart.
func TestFrameTimingFollowsWait(t *testing.T) {
	check := func(t *testing.T, fr []Frame, step time.Duration) {
		t.Helper()
		for i := 1; i < len(fr); i++ {
			if d := fr[i].At.Sub(fr[i-1].At); d != step {
				t.Fatalf("frame %d came %v after frame %d, want %v", i, d, i-1, step)
			}
		}
	}
	for _, wait := range []time.Duration{10 * ms, 70 * ms, 1500 * ms} {
		r := runFake(t, "kr", 6, Options{Color: Red, Wait: wait, Loops: 2}, 0)
		if want := 6 + 5 + 5 + 5; len(r.frames) != want {
			t.Fatalf("kr showed %d frames in 2 loops on 6 pixels, want %d", len(r.frames), want)
		}
		check(t, r.frames, wait)
	}
	r := runFake(t, "fade_in", 3, Options{Color: RGB(0, 40, 20), Wait: 400 * ms, Loops: 1}, 0)
	if len(r.frames) != 41 {
		t.Fatalf("fade_in to a brightest channel of 40 showed %d frames, want 41", len(r.frames))
	}
	check(t, r.frames, 10*ms)
	r = runFake(t, "fade_colors", 3, Options{Color: Red, Color2: Blue, Wait: 255 * ms}, 255*3)
	check(t, r.frames[:255*3], ms)
}
