package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioled"
	"github.com/aiotools-go/aiotools/aioservice"
)

// lastStripFrame is the last whole frame the renderer drew in place
// (each starts with a carriage return and ends clearing the line).
func lastStripFrame(out string) string {
	frames := strings.Split(out, "\r")
	for i := len(frames) - 1; i >= 0; i-- {
		if strings.HasSuffix(frames[i], "\x1b[K") {
			return frames[i]
		}
	}
	return ""
}

// solid is a frame of n pixels of one colour, as the renderer draws it.
func solid(n int, r, g, b uint8) string {
	return fmt.Sprintf("neopixel \x1b[38;2;%d;%d;%dm%s\x1b[0m\x1b[K", r, g, b, strings.Repeat("█", n))
}

// neopixel.service plays the animation of services.config; set args and
// a change of its config entry each restart it with the new animation.
func TestDemoNeopixelFollowsItsArguments(t *testing.T) {
	out := &lockedBuffer{}
	strip := &lockedBuffer{}
	d := &demo{cfg: demoConfig{Out: out}, group: aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))}
	d.neopixel = &neopixelDemo{out: strip, color: true, check: 20 * time.Millisecond}
	if err := setupServices(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for i := len(d.cleanup) - 1; i >= 0; i-- {
			_ = d.cleanup[i](ctx)
		}
		d.group.Close(ctx)
	}()
	task, ok := d.group.Get("neopixel.service")
	if !ok {
		t.Fatalf("no neopixel.service:\n%s", out)
	}
	frameIs := func(want string) func() error {
		return func() error {
			if got := lastStripFrame(strip.String()); got != want {
				return fmt.Errorf("last frame %q, want %q", got, want)
			}
			return nil
		}
	}
	// The shipped config: a rainbow over 24 pixels, moving.
	pollUntil(t, 10*time.Second, "the rainbow moves", func() error {
		if n := strings.Count(strip.String(), "\r"); n < 3 {
			return fmt.Errorf("%d frames", n)
		}
		if f := lastStripFrame(strip.String()); strings.Count(f, "█") != 24 {
			return fmt.Errorf("frame %q is not 24 pixels", f)
		}
		return nil
	})

	if _, err := d.group.SetArgsJSON([]byte(`{"animation": "fill", "color": "#00ff00"}`), "neopixel.service"); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 10*time.Second, "set args shows a green fill", frameIs(solid(24, 0, 255, 0)))

	if err := d.services.Configure("neopixel", aioservice.ConfigChange{Args: json.RawMessage(`{"pixels": 5, "animation": "fill", "color": [0, 0, 255]}`)}); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 10*time.Second, "the config's blue fill of 5", frameIs(solid(5, 0, 0, 255)))
	if st := task.State(); st != aioctl.Running {
		t.Errorf("neopixel.service is %v after its restarts", st)
	}

	// What it cannot play is refused by set args and by the config, the
	// option named, and the blue fill goes on.
	for _, bad := range []struct{ args, want string }{
		{`{"animation": "disco"}`, `field "animation": unknown animation "disco"`},
		{`{"loops": -1}`, `field "loops": must be 0 (forever) or more`},
		{`{"animation": "kr", "length": -3}`, `field "length": must be 0 or more`},
		{`{"pixels": 0}`, `field "pixels": must be 1 to 300, not 0`},
	} {
		_, err := d.group.SetArgsJSON([]byte(bad.args), "neopixel.service")
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("set args %s: %v, want an error with %q", bad.args, err, bad.want)
		}
	}
	if err := d.services.Configure("neopixel", aioservice.ConfigChange{Args: json.RawMessage(`{"pixels": 5, "animation": "disco"}`)}); err == nil || !strings.Contains(err.Error(), `unknown animation "disco"`) {
		t.Errorf("services config with an unknown animation: %v", err)
	}
	pollUntil(t, 10*time.Second, "the blue fill stays", frameIs(solid(5, 0, 0, 255)))
	if st := task.State(); st != aioctl.Running {
		t.Errorf("neopixel.service is %v after bad arguments (%v)", st, task.Err())
	}

	// Stopped, it leaves the strip dark, also after an animation that
	// had ended (fill) and left its last frame lit.
	if _, err := d.group.Stop(t.Context(), "neopixel.service"); err != nil {
		t.Fatal(err)
	}
	if got, want := lastStripFrame(strip.String()), solid(5, 0, 0, 0); got != want {
		t.Errorf("stopped, the strip shows %q, want %q", got, want)
	}
}

// On a terminal showing the status, the strip takes the last row and the
// status rounds one row less; with -console or -follow (or piped) it
// draws nowhere and the screen is left as it was. Without colour
// (NO_COLOR) it draws shades, not colour sequences.
func TestDemoNeopixelKeepsTheLastRow(t *testing.T) {
	size := func() (int, int, bool) { return 80, 24, true }
	for _, c := range []struct {
		name  string
		cfg   demoConfig
		drawn bool
	}{
		{"status", demoConfig{Size: size}, true},
		{"console", demoConfig{Size: size, Console: true}, false},
		{"follow", demoConfig{Size: size, Follow: true}, false},
		{"piped", demoConfig{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := &lockedBuffer{}
			c.cfg.Out = out
			d := &demo{cfg: c.cfg}
			if err := setupNeopixel(t.Context(), d); err != nil {
				t.Fatal(err)
			}
			n := d.neopixel
			n.define(aioservice.NewRegistry())
			if err := n.Write(make([]aioled.Color, 3)); err != nil {
				t.Fatal(err)
			}
			if !c.drawn {
				if out.String() != "" {
					t.Errorf("drew %q", out)
				}
				if d.cfg.Size != nil {
					if _, h, _ := d.cfg.Size(); h != 24 {
						t.Errorf("status gets %d rows of 24", h)
					}
				}
				return
			}
			if _, h, _ := d.cfg.Size(); h != 23 {
				t.Errorf("status gets %d rows of 24, want 23", h)
			}
			if want := "\x1b7\x1b[24;1Hneopixel    \x1b[K\x1b8"; out.String() != want {
				t.Errorf("drew %q, want %q (row 24, no colour)", out, want)
			}
		})
	}
}

// When the demo stops on a terminal, the strip gives its row back before
// "stopping…" is printed: the row is cleared, and the frames the service
// still draws while it stops (its last, dark one) go nowhere, so the
// shutdown lines are not written over the strip or under its remains.
func TestDemoNeopixelReleasesTheRowAtStop(t *testing.T) {
	out := &lockedBuffer{}
	d := &demo{cfg: demoConfig{Out: out, Size: func() (int, int, bool) { return 80, 24, true }}}
	if err := setupNeopixel(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	n := d.neopixel
	n.define(aioservice.NewRegistry())
	if err := n.Write(make([]aioled.Color, 3)); err != nil {
		t.Fatal(err)
	}
	before := out.String()
	n.release()
	if got, want := strings.TrimPrefix(out.String(), before), "\x1b7\x1b[24;1H\x1b[K\x1b8"; got != want {
		t.Errorf("release wrote %q, want %q (row 24 cleared)", got, want)
	}
	after := out.String()
	if err := n.Write(make([]aioled.Color, 3)); err != nil {
		t.Fatal(err)
	}
	n.redraw()
	if out.String() != after {
		t.Errorf("drew after release: %q", strings.TrimPrefix(out.String(), after))
	}
}
