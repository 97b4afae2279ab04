package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioled"
	"github.com/aiotools-go/aiotools/aioled/term"
	"github.com/aiotools-go/aiotools/aioservice"
)

// NeopixelServiceArgs are neopixel.service's arguments: the strip's
// length and an aioled animation with its options, side by side in the
// service's "args" ({"pixels": 24, "animation": "kr", "color": [255, 0, 0],
// "wait": "60ms", "length": 4}).
type NeopixelServiceArgs struct {
	Pixels int `json:"pixels"`
	aioled.Options
}

// UnmarshalJSON decodes the arguments as encoding/json would (unknown
// fields refused) and then checks them, so that "set args" or a
// services.config entry with an animation or value the service cannot
// play is refused there, with the option named, and the running
// animation goes on; checked only at the restart it would fail the
// service and leave the strip dark.
func (a *NeopixelServiceArgs) UnmarshalJSON(b []byte) error {
	type plain NeopixelServiceArgs // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*plain)(a)); err != nil {
		return err
	}
	return a.validate()
}

// validate checks the strip's length and the animation's options.
func (a NeopixelServiceArgs) validate() error {
	if a.Pixels < 1 || a.Pixels > maxDemoPixels {
		return &aioctl.ArgError{Field: "pixels", Msg: "must be 1 to " + strconv.Itoa(maxDemoPixels) + ", not " + strconv.Itoa(a.Pixels)}
	}
	if err := a.Options.Validate(); err != nil {
		var oe *aioled.OptionError
		if errors.As(err, &oe) {
			return &aioctl.ArgError{Field: oe.Field, Msg: oe.Msg, Err: err}
		}
		return err
	}
	return nil
}

// maxDemoPixels bounds the simulated strip (a terminal row).
const maxDemoPixels = 300

// neopixelDemo is the demo's simulated strip: the service draws it with
// the terminal renderer on the screen's last row, under the status.
type neopixelDemo struct {
	out   io.Writer
	color bool
	row   func() int // 0: not on a fixed row
	width func() int
	// check is how often the service looks for new arguments.
	check time.Duration

	mu       sync.Mutex // the renderer and the last frame
	r        *term.Renderer
	last     []aioled.Color
	released bool // the demo is stopping: the row is the shutdown's
}

// Write draws a frame and keeps it, so that it can be drawn again after a
// status round has cleared the screen.
func (n *neopixelDemo) Write(frame []aioled.Color) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.last = append(n.last[:0], frame...)
	if n.released {
		return nil
	}
	return n.r.Write(n.last)
}

// release gives the strip's row back when the demo stops: it is cleared,
// and what the service still draws while it stops goes nowhere, so the
// shutdown's lines are not written over the strip (or it over them).
func (n *neopixelDemo) release() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.released = true
	if n.row == nil {
		return
	}
	if row := n.row(); row > 0 {
		fmt.Fprintf(n.out, "\x1b7\x1b[%d;1H\x1b[K\x1b8", row)
	}
}

// redraw draws the last frame again.
func (n *neopixelDemo) redraw() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.last) > 0 && !n.released {
		_ = n.r.Write(n.last)
	}
}

// define adds neopixel.service to the demo's registry. A nil n (the demo
// without its neopixel part, as in tests) draws nowhere.
func (n *neopixelDemo) define(r *aioservice.Registry) {
	if n == nil {
		n = &neopixelDemo{out: io.Discard, check: time.Second}
	}
	n.r = term.New(n.out, term.WithColor(n.color), term.WithRow(n.row), term.WithWidth(n.width), term.WithLabel("neopixel"))
	def, _ := aioled.Defaults("rainbow_cycle")
	r.MustRegister(aioservice.Define("neopixel", n.run, NeopixelServiceArgs{Pixels: 24, Options: def},
		aioservice.WithInfo("Neopixel strip (aioled animations, simulated on the terminal)")))
}

// run plays the animation its arguments name until it is stopped. When
// its arguments change (aioctl set args neopixel.service '{"animation":
// "kr"}') or its "args" in services.config do (services config), it
// restarts itself with them: a new animation shows at once. The task
// stays running when a finite animation ends, its last frame lit.
func (n *neopixelDemo) run(ctx context.Context, a NeopixelServiceArgs) (int, error) {
	if err := a.validate(); err != nil { // arguments given in Go, not decoded
		return 0, err
	}
	// A terminal is already gamma-encoded (sRGB): no correction on top.
	p := &aioled.Player{Strip: aioled.NewStrip(a.Pixels, n, aioled.WithGamma(false))}
	actx, stop := context.WithCancel(ctx)
	defer stop()
	type result struct {
		frames int
		err    error
	}
	done := make(chan result, 1)
	frames := 0
	go func() {
		f, err := p.Play(actx, a.Options)
		done <- result{f, err}
	}()
	task := aioctl.FromContext(ctx)
	m, name, _ := aioservice.FromContext(ctx)
	startArgs := configArgs(m, name)
	redraw := time.NewTicker(n.check / 4)
	defer redraw.Stop()
	check := time.NewTicker(n.check)
	defer check.Stop()
	restarting := false
	for {
		select {
		case <-ctx.Done():
			stop()
			if done != nil { // still playing: wait for it to return
				frames = (<-done).frames
			}
			// Dark in any case: an animation cancelled clears the strip, but
			// one that was just ending (fill) may return with its frame lit.
			aioled.Fill(p.Strip, aioled.Black)
			_ = p.Strip.Show()
			return frames, ctx.Err()
		case r := <-done:
			if r.err != nil {
				return r.frames, r.err
			}
			frames, done = r.frames, nil // ended: keep its last frame, keep watching
		case <-redraw.C:
			n.redraw()
		case <-check.C:
			if task == nil {
				continue
			}
			changed := pendingArgs(task)
			if cfg := configArgs(m, name); cfg != nil && !bytes.Equal(cfg, startArgs) {
				startArgs = cfg
				if err := task.SetArgsJSON(cfg); err != nil {
					aioctl.Logger(ctx).Warn("services.config args not applied: " + err.Error())
					continue
				}
				changed = true
			}
			if changed && !restarting {
				restarting = true // once: the next check may come before the stop
				aioctl.Logger(ctx).Info("new arguments: restarting the animation")
				// Restart waits for this function to return: from another goroutine.
				go func() { _, _ = task.Group().Restart(context.Background(), task.Name()) }()
			}
		}
	}
}

// pendingArgs says whether set args changed the task's arguments since
// it started. (A snapshot has at least one log line; fewer cannot be asked.)
func pendingArgs(t *aioctl.Task) bool {
	sts, err := t.Group().Snapshot(aioctl.SnapshotOptions{Debug: true, LogLines: 1}, t.Name())
	return err == nil && len(sts) == 1 && len(sts[0].PendingArgs) > 0
}

// configArgs returns the service's "args" as services.config says now
// (compacted), nil without a manager or config.
func configArgs(m *aioservice.Manager, name string) []byte {
	if m == nil {
		return nil
	}
	raw, err := m.GetConfig(name)
	if err != nil {
		return nil
	}
	var st struct {
		Args json.RawMessage `json:"args"`
	}
	var b bytes.Buffer
	if json.Unmarshal(raw, &st) != nil || json.Compact(&b, st.Args) != nil {
		return nil
	}
	return b.Bytes()
}

// setupNeopixel prepares the simulated strip: on a terminal showing the
// status, its last row (the status rounds keep it free); otherwise (piped,
// -follow, -console) nowhere, the service runs all the same.
func setupNeopixel(_ context.Context, d *demo) error {
	n := &neopixelDemo{out: io.Discard, check: time.Second}
	if size := d.cfg.Size; size != nil && !d.cfg.Follow && !d.cfg.Console {
		n.out, n.color = d.cfg.Out, d.cfg.Color
		n.row = func() int {
			if _, h, ok := size(); ok && h > 2 {
				return h
			}
			return 0 // too small a screen: in place, wherever the cursor is
		}
		n.width = func() int { w, _, _ := size(); return w }
		d.cfg.Size = func() (int, int, bool) {
			w, h, ok := size()
			if ok && h > 2 {
				h-- // the strip's row
			}
			return w, h, ok
		}
	}
	d.neopixel = n
	where := "on the last row" // only where it is drawn: -console and pipes have no row for it
	if n.out == io.Discard {
		where = "not drawn here"
	}
	d.help = append(d.help, "neopixel: a simulated LED strip (aioled), "+where+"; switch it with",
		`  aioctl set args neopixel.service '{"animation": "kr", "color": "#ff0000"}'`)
	return nil
}

func init() {
	registerDemo(25, "neopixel", setupNeopixel)
}
