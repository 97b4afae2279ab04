package control_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
)

// A one-shot schedule that ran says so in schedule list, its JSON and
// status: when it ran, and that it runs no more (not "next: None").
func TestScheduleListOneShotDone(t *testing.T) {
	p := newProgram(t)
	s := aioschedule.New(p.g, aioschedule.WithClock(clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.Local))))
	t.Cleanup(s.Close)
	ran := make(chan struct{})
	if _, err := aioschedule.Add(s, func(ctx context.Context, _ struct{}) (int, error) { close(ran); return 1, nil }, struct{}{},
		aioschedule.Spec{}, aioctl.WithName("once")); err != nil { // start_in 0: at once, no repeat
		t.Fatal(err)
	}
	<-ran // the scheduler marks it done before it starts the run
	in, _ := control.NewInterp(control.Components{Group: p.g, Log: p.ring, Scheduler: s})
	ctx := ctxT(t)
	const want = "┗━► schedule: last @ 2015-01-01 00:00:00 --> done (one-shot: runs no more)"
	if r := in.ExecLine(ctx, "schedule list once", control.Options{}); r.Err != nil || !strings.Contains(r.Text, want) || strings.Contains(r.Text, "None") {
		t.Errorf("schedule list: %q %v, want %q", r.Text, r.Err, want)
	}
	r := in.ExecLine(ctx, "schedule list once", control.Options{JSON: true})
	if es := r.Data.([]aioschedule.Entry); len(es) != 1 || !es[0].Done || !es[0].Next.IsZero() || es[0].Last.IsZero() {
		t.Errorf("schedule list JSON %+v", es)
	}
	if r := in.ExecLine(ctx, "status once", control.Options{}); !strings.Contains(r.Text, want) {
		t.Errorf("status: %q", r.Text)
	}
}
