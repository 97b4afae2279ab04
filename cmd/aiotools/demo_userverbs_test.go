package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// The demo's blink-rate verb: help lists it, it changes blink's sleep,
// a bad rate is a bad_argument naming EVERY.
func TestDemoBlinkRateVerb(t *testing.T) {
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	aioctl.MustAdd(g, blink, BlinkArgs{Pin: 2, Sleep: time.Hour})
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	if err := registerUserVerbs(in, g); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if r := in.ExecLine(ctx, "help", control.Options{}); !strings.Contains(r.Text, "this program's verbs:\n  blink-rate EVERY") {
		t.Errorf("help does not list blink-rate:\n%s", r.Text)
	}
	if r := in.ExecLine(ctx, "blink-rate 250ms", control.Options{}); r.Err != nil || r.Text != "blink toggles every 250ms (restarted: 1)\n" {
		t.Fatalf("blink-rate 250ms: %+v %q", r.Err, r.Text)
	}
	if r := in.ExecLine(ctx, "status blink --debug", control.Options{}); !strings.Contains(r.Text, `"sleep":"250ms"`) || !strings.Contains(r.Text, `"pin":2`) {
		t.Errorf("blink's args after blink-rate:\n%s", r.Text)
	}
	if r := in.ExecLine(ctx, "blink-rate 1ms", control.Options{}); r.Err == nil || r.Err.Code != control.CodeBadArgument || !strings.Contains(r.Err.Message, "EVERY: want 100ms to 1h") {
		t.Errorf("blink-rate 1ms: %+v", r.Err)
	}
}
