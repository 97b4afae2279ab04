package aioled

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// newGroup returns an aioctl group on a fake clock, its tasks stopped
// when the test ends.
func newGroup(t *testing.T) (*aioctl.Group, *clock.Fake) {
	fc := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(fc), aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := g.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return g, fc
}

// advanceUntil moves the fake clock timer by timer until task is done.
func advanceUntil(t *testing.T, fc *clock.Fake, task *aioctl.Task) {
	t.Helper()
	done := task.Done()
	for fc.WaitTimers(1, done) {
		next, _ := fc.Next()
		fc.Set(next)
	}
}

// TestPlayerRunsAsAnAioctlKind: each animation is a kind; a task of it
// plays on the group's clock, reports its frames as its result, stops
// cleanly (strip black), and set args switches the animation at its
// next start.
func TestPlayerRunsAsAnAioctlKind(t *testing.T) {
	g, fc := newGroup(t)
	mem := NewMemory(fc)
	p := &Player{Strip: NewStrip(3, mem, WithGamma(false))}
	if err := Register(g, p, "led_"); err != nil {
		t.Fatal(err)
	}
	kinds := g.Kinds()
	if len(kinds) != len(Names()) || kinds[0].Name != "led_as_rainbow" {
		t.Fatalf("kinds: %+v", kinds)
	}
	task, err := g.AddKind("led_pulse", "heart", []byte(`{"loops": 1, "beats": 3, "beat_wait": 0.1, "wait": "1s"}`))
	if err != nil {
		t.Fatal(err)
	}
	advanceUntil(t, fc, task)
	if task.State() != aioctl.Done || task.Result() != 6 {
		t.Fatalf("state %v result %v err %v, want done with 6 frames", task.State(), task.Result(), task.Err())
	}
	if got := fc.Now().Sub(t0); got != 1600*time.Millisecond {
		t.Errorf("pulse of 3 beats of 0.1 s and a 1 s wait took %v", got)
	}

	// Forever, then stopped mid-animation.
	if err := task.SetArgsJSON([]byte(`{"animation": "kr", "loops": 0, "color": "#00ff00"}`)); err != nil {
		t.Fatal(err)
	}
	mem.Reset()
	if _, err := task.Start(); err != nil {
		t.Fatal(err)
	}
	for mem.Len() < 4 {
		fc.WaitTimers(1, nil)
		next, _ := fc.Next()
		fc.Set(next)
	}
	if _, err := g.Stop(context.Background(), "heart"); err != nil {
		t.Fatal(err)
	}
	if task.State() != aioctl.Stopped {
		t.Fatalf("state %v after stop", task.State())
	}
	fr := mem.Frames()
	if fr[0].Pixels[0] != Green {
		t.Errorf("kr's first frame %v, want the green set by set args", fr[0].Pixels)
	}
	for i, c := range mem.Last() {
		if c != Black {
			t.Errorf("pixel %d is %v after stop, want black", i, c)
		}
	}
}

// TestBadOptionsNameTheField: a refused option is an *OptionError naming
// its JSON field, before any frame.
func TestBadOptionsNameTheField(t *testing.T) {
	mem := NewMemory(nil)
	p := &Player{Strip: NewStrip(2, mem)}
	cases := []struct {
		o     Options
		field string
		is    error
	}{
		{Options{Animation: "disco\x1b[2J"}, "animation", ErrUnknownAnimation},
		{Options{Animation: "kr", Loops: -1}, "loops", ErrBadOption},
		{Options{Animation: "kr", Wait: -time.Second}, "wait", ErrBadOption},
		{Options{Animation: "fade_colors", Steps: 70000}, "steps", ErrBadOption},
		{Options{Animation: "random_walk_fill", MaxStep: 256}, "max_step", ErrBadOption},
	}
	for _, c := range cases {
		_, err := p.Play(context.Background(), c.o)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Field != c.field || !errors.Is(err, c.is) {
			t.Errorf("%+v: got %v, want an OptionError on %s", c.o, err, c.field)
		}
	}
	if _, err := p.Play(context.Background(), Options{Animation: "disco\x1b[2J"}); err == nil || containsControl(err.Error()) {
		t.Errorf("the unknown name reaches the message raw: %q", err)
	}
	if mem.Len() != 0 {
		t.Errorf("%d frames shown for refused options", mem.Len())
	}
	if _, err := (&Player{Strip: NewStrip(0, mem)}).Play(context.Background(), Options{Animation: "fill"}); !errors.Is(err, ErrEmptyStrip) {
		t.Errorf("empty strip: %v", err)
	}
}

func containsControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// TestColorJSON: colours read as the seed's lists or as hex, and write
// as lists; anything else is ErrBadColor.
func TestColorJSON(t *testing.T) {
	for in, want := range map[string]Color{
		`[255, 150, 0]`: Yellow, `[1,2,3,4]`: {1, 2, 3, 4}, `"#b400ff"`: Purple, `"00ff0080"`: {0, 255, 0, 128},
	} {
		var c Color
		if err := json.Unmarshal([]byte(in), &c); err != nil || c != want {
			t.Errorf("%s: got %v, %v, want %v", in, c, err, want)
		}
		b, _ := json.Marshal(c)
		var back Color
		if err := json.Unmarshal(b, &back); err != nil || back != c {
			t.Errorf("%v does not survive JSON (%s)", c, b)
		}
	}
	for _, in := range []string{`[1,2]`, `[1,2,3,4,5]`, `[256,0,0]`, `[-1,0,0]`, `"#12345"`, `"#gg0000"`, `{}`, `7`} {
		var c Color
		err := json.Unmarshal([]byte(in), &c)
		if !errors.Is(err, ErrBadColor) {
			t.Errorf("%s: got %v, want ErrBadColor", in, err)
		}
		// The message names what was given, as a user typed it.
		if s, _ := strconv.Unquote(in); err != nil && !strings.Contains(err.Error(), strconv.Quote(s)) && !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("%s: %q does not name the value", in, err)
		}
	}
	if s := RGB(1, 2, 255).String(); s != "#0102ff" {
		t.Errorf("String: %s", s)
	}
}

// TestWheel: the seed's wheel at its corners.
func TestWheel(t *testing.T) {
	for pos, want := range map[uint8]Color{0: Red, 85: Green, 170: Blue, 42: RGB(129, 126, 0), 255: RGB(255, 0, 0)} {
		if got := Wheel(pos); got != want {
			t.Errorf("Wheel(%d) = %v, want %v", pos, got, want)
		}
	}
}

// TestGammaAndBrightnessCap: Show corrects with gamma 2.8 and never goes
// above the brightness cap, whatever SetBrightness asks.
func TestGammaAndBrightnessCap(t *testing.T) {
	mem := NewMemory(nil)
	s := NewStrip(3, mem, WithMaxBrightness(128))
	s.Set(0, White)
	s.Set(1, RGB(128, 64, 0))
	s.Set(2, Color{W: 255})
	s.SetBrightness(255)
	if s.Brightness() != 128 {
		t.Fatalf("brightness %d above the cap", s.Brightness())
	}
	if err := s.Show(); err != nil {
		t.Fatal(err)
	}
	want := []Color{{128, 128, 128, 0}, {19, 3, 0, 0}, {0, 0, 0, 128}} // 255·(128/255)^2.8 = 37, ·128/255 = 19
	for i, c := range mem.Last() {
		if c != want[i] {
			t.Errorf("pixel %d shown as %v, want %v", i, c, want[i])
		}
	}
	s.SetBrightness(0)
	_ = s.Show()
	for i, c := range mem.Last() {
		if c != Black {
			t.Errorf("pixel %d is %v at brightness 0", i, c)
		}
	}
	if s.Get(1) != RGB(128, 64, 0) || s.Get(-1) != Black || s.Get(3) != Black {
		t.Errorf("the buffer changed with the output")
	}
}

// setCounter counts the Set calls between two Shows.
type setCounter struct {
	Strip
	sets, most int
}

func (s *setCounter) Set(i int, c Color) { s.sets++; s.Strip.Set(i, c) }
func (s *setCounter) Show() error {
	s.most = max(s.most, s.sets)
	s.sets = 0
	return s.Strip.Show()
}

// TestKRLengthBeyondTheStrip: a scanner longer than the strip ("length":
// 1000000000 from a user) lights the strip, doing no more work a frame
// than the strip has pixels (it spun through the whole length before).
func TestKRLengthBeyondTheStrip(t *testing.T) {
	s := &setCounter{Strip: NewStrip(4, NewMemory(nil), WithGamma(false))}
	o, _ := Defaults("kr")
	o.Length, o.Loops, o.Wait = 1<<20, 1, 0
	if err := KR(context.Background(), s, o); err != nil {
		t.Fatal(err)
	}
	if s.most > 2*4 { // Fill and the light
		t.Errorf("%d pixel writes in a frame of a 4-pixel strip", s.most)
	}
}
