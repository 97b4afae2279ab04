package control_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// Issue 12 item 4: services report prints the watcher's counts with the
// traceback of each failing task (the seed's aioservice.call("watcher")).
func TestServicesReportIsTheWatchers(t *testing.T) {
	w := aioservice.NewWatcher(aioservice.WithAction(func(context.Context, *aioservice.Watcher) {}))
	p := newSvcProgram(t, svcRegistry(w.Service(aioservice.WatcherArgs{}, aioservice.WithDisabled())), "{}\n")
	bad := aioctl.MustAdd(p.g, func(ctx context.Context, _ int) (int, error) { return 0, errors.New("division by zero") }, 0, aioctl.WithName("crash"))
	<-bad.Done()
	if r := p.text(t, "services load watcher"); r.Err != nil {
		t.Fatalf("services load watcher: %v", r.Err)
	}
	p.fc.WaitTimers(2, t.Context().Done()) // its first check is done (world.service has the other timer)
	r := p.text(t, "services report")
	if r.Err != nil {
		t.Fatalf("services report: %v", r.Err)
	}
	for _, want := range []string{"watcher: 1 errors in 1 tasks", "crash: Error x1", "division by zero"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("services report lacks %q:\n%s", want, r.Text)
		}
	}
}

// services report without a watcher says so (not found).
func TestServicesReportWithoutWatcher(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	if r := p.text(t, "services report"); control.CodeOf(r.Err) != control.CodeNotFound {
		t.Errorf("services report without a watcher: %v, want not_found", r.Err)
	}
}

// services boot runs the boot again for the services that are not up: a
// core service that failed runs again; a running one is left alone.
func TestServicesBootAgain(t *testing.T) {
	var runs atomic.Int32
	firstRun := make(chan context.Context, 4) // steady's runs
	flaky := aioservice.Define("flaky", func(ctx context.Context, _ svcArgs) (int, error) {
		if runs.Add(1) == 1 {
			return 0, errors.New("no network yet")
		}
		return 1, nil
	}, svcArgs{}, aioservice.WithType(aioservice.Core))
	steady := aioservice.Define("steady", func(ctx context.Context, _ svcArgs) (int, error) {
		firstRun <- ctx
		<-ctx.Done()
		return 0, nil
	}, svcArgs{})
	p := newSvcProgramErr(t, svcRegistry(flaky, steady), "{}\n")
	if st := p.state(t, "flaky.service"); st != aioctl.Error {
		t.Fatalf("flaky after Up: %v, want error", st)
	}
	steadyCtx := <-firstRun
	r := p.text(t, "services boot")
	if r.Err != nil {
		t.Fatalf("services boot: %v", r.Err)
	}
	if st := p.state(t, "flaky.service"); st != aioctl.Done || runs.Load() != 2 {
		t.Errorf("flaky after services boot: %v after %d runs, want done after 2", st, runs.Load())
	}
	if !strings.Contains(r.Text, "flaky") || strings.Contains(r.Text, "steady") {
		t.Errorf("services boot says:\n%s", r.Text)
	}
	if steadyCtx.Err() != nil || len(firstRun) != 0 || p.state(t, "steady.service") != aioctl.Running {
		t.Errorf("steady was restarted: a running service must be left alone")
	}
}
