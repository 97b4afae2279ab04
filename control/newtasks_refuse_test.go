package control_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// An explicit NAME that a task has is refused (conflict, naming it);
// only a NAME left out is numbered (blink_1). The seed's add renamed
// silently, which at a prompt hides that the name was taken.
func TestAddAndCloneRefuseATakenName(t *testing.T) {
	p := newProgram(t)
	led := func(ctx context.Context, a blinkArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	if err := aioctl.Register(p.g, "blink", led, blinkArgs{Pin: 2, Sleep: time.Second}); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	n := len(p.g.Names())
	for _, line := range []string{"add blink blink", `add blink hello {"pin": 4}`, "clone blink blink", `clone blink answer {"pin": 4}`} {
		r := p.in.ExecLine(ctx, line, control.Options{})
		taken := strings.Fields(line)[2]
		if r.Err == nil || r.Err.Code != control.CodeConflict || r.Exit != control.ExitFailure ||
			!strings.Contains(r.Err.Message, `"`+taken+`" is taken`) || !strings.Contains(r.Err.Message, "leave NAME out") {
			t.Errorf("%s: %q %+v exit %d, want a conflict naming %q", line, r.Text, r.Err, r.Exit, taken)
		}
	}
	if len(p.g.Names()) != n {
		t.Fatalf("a refused add or clone added a task: %v", p.g.Names())
	}
	// Without a NAME the new task is numbered, as before.
	if r := p.in.ExecLine(ctx, "add blink", control.Options{}); r.Err != nil || !strings.Contains(r.Text, "added blink as blink_1 ") {
		t.Fatalf("add blink: %q %v", r.Text, r.Err)
	}
	if r := p.in.ExecLine(ctx, "clone blink", control.Options{}); r.Err != nil || !strings.Contains(r.Text, "cloned blink as blink_2 ") {
		t.Fatalf("clone blink: %q %v", r.Text, r.Err)
	}
}

// A service's task (or a child of one) is the service manager's: a clone
// would run outside it (no config, no boot order, no watcher), so clone
// refuses it and points at services add.
func TestCloneRefusesAServiceTask(t *testing.T) {
	p := newProgram(t)
	m := withServices(t, p)
	in, _ := control.NewInterp(control.Components{Group: p.g, Log: p.ring, Services: m})
	n := len(p.g.Names())
	for _, line := range []string{"clone hello.service", `clone hello.service h2 {"pin": 5}`} {
		r := in.ExecLine(ctxT(t), line, control.Options{})
		if r.Err == nil || r.Err.Code != control.CodeBadArgument || !strings.Contains(r.Err.Message, `"hello.service" is a service's task`) ||
			!strings.Contains(r.Err.Message, "services add") {
			t.Errorf("%s: %q %+v", line, r.Text, r.Err)
		}
	}
	if len(p.g.Names()) != n {
		t.Fatalf("a refused clone added a task: %v", p.g.Names())
	}
	// A plain task next to services clones as before.
	if r := in.ExecLine(ctxT(t), "clone blink", control.Options{}); r.Err != nil {
		t.Fatalf("clone blink: %v", r.Err)
	}
}
