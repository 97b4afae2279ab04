package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// The demo's own verb, to show a newcomer that a program adds its
// commands to the control table (control's Interp.Register): `help`
// lists blink-rate under "this program's verbs", and aioctl, the shell,
// the console, the dashboard and MQTT run it.
func init() {
	registerDemo(41, "userverbs", func(ctx context.Context, d *demo) error {
		if d.interp == nil {
			return nil // no control plane in this demo
		}
		return registerUserVerbs(d.interp, d.group)
	})
}

// blinkRateArgs are blink-rate's arguments: one duration.
type blinkRateArgs struct {
	Every time.Duration `arg:"EVERY" help:"time between two toggles (100ms to 1h)"`
}

// registerUserVerbs registers blink-rate on in: it sets the blink tasks'
// sleep and restarts them, as set args and restart would in two steps.
func registerUserVerbs(in *control.Interp, g *aioctl.Group) error {
	return in.Register(control.UserVerb{
		Name:    "blink-rate",
		Summary: "how often the demo's LED toggles: sets blink's sleep and restarts it (a verb the demo registered itself)",
		Examples: []string{
			"blink-rate 500ms  # toggle twice a second",
			"blink-rate 5s  # slow down",
		},
		Run: control.Func(func(ctx context.Context, a blinkRateArgs) (string, error) {
			if a.Every < 100*time.Millisecond || a.Every > time.Hour {
				return "", control.BadArgument("EVERY: want 100ms to 1h, got " + a.Every.String())
			}
			patch := []byte(`{"sleep": ` + strconv.Quote(a.Every.String()) + `}`)
			if _, err := g.SetArgsJSON(patch, "blink*"); err != nil {
				return "", err
			}
			names, err := g.Restart(ctx, "blink*")
			if err != nil && !errors.Is(err, aioctl.ErrNotFound) {
				return "", err
			}
			return "blink toggles every " + a.Every.String() + " (restarted: " + strconv.Itoa(len(names)) + ")", nil
		}),
	})
}
