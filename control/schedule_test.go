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

// withScheduler gives the program a scheduler (on a fake clock) with one
// schedule: "world" every 90 s, first in 20 s.
func withScheduler(t *testing.T, p *program) *aioschedule.Scheduler {
	t.Helper()
	s := aioschedule.New(p.g, aioschedule.WithClock(clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.Local))))
	t.Cleanup(s.Close)
	if _, err := aioschedule.Add(s, func(ctx context.Context, _ struct{}) (int, error) { return 1, nil }, struct{}{},
		aioschedule.Spec{StartIn: 20 * time.Second, Repeat: 90 * time.Second}, aioctl.WithName("world")); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduleVerbs(t *testing.T) {
	p := newProgram(t)
	s := withScheduler(t, p)
	in, _ := control.NewInterp(control.Components{Group: p.g, Log: p.ring, Scheduler: s})
	ctx := ctxT(t)
	r := in.ExecLine(ctx, "schedule list", control.Options{})
	if r.Err != nil || !strings.Contains(r.Text, "world: ") || !strings.Contains(r.Text, "┗━► schedule: last @ None --> next in ") {
		t.Fatalf("schedule list: %q %v", r.Text, r.Err)
	}
	r = in.ExecLine(ctx, "schedule list world", control.Options{JSON: true})
	es := r.Data.([]aioschedule.Entry)
	if len(es) != 1 || es[0].Task != "world" || es[0].Spec.Repeat != 90*time.Second || es[0].Next.IsZero() {
		t.Errorf("schedule list JSON %+v", es)
	}
	if r := in.ExecLine(ctx, "schedule list nosuch", control.Options{}); r.Err == nil || r.Err.Code != control.CodeNotFound {
		t.Errorf("schedule list nosuch: %v", r.Err)
	}
	r = in.ExecLine(ctx, "schedule next 5", control.Options{JSON: true})
	runs := r.Data.([]control.NextRun)
	if len(runs) != 1 || runs[0].Task != "world" {
		t.Errorf("schedule next %+v", runs)
	}
	for _, bad := range []string{"schedule next 0", "schedule next world x", "schedule next world 0", "schedule next world 1 2", "schedule list ../x"} {
		if r := in.ExecLine(ctx, bad, control.Options{}); r.Err == nil || r.Err.Code != control.CodeBadArgument {
			t.Errorf("%s: %v", bad, r.Err)
		}
	}
	// Status shows the schedule line too (the scheduler extends it).
	if r := in.ExecLine(ctx, "status world", control.Options{}); !strings.Contains(r.Text, "┗━► schedule: last @ None") {
		t.Errorf("status of a scheduled task: %q", r.Text)
	}
}
