package control_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
)

// svcProgram is a program with services on a fake clock: hello
// (runtime), world (schedule: first in 20 s, every 90 s), network (core),
// a scheduler, and an interpreter over them.
type svcProgram struct {
	fc    *clock.Fake
	g     *aioctl.Group
	sched *aioschedule.Scheduler
	m     *aioservice.Manager
	in    *control.Interp
	cfg   string
}

type svcArgs struct {
	Pin int `json:"pin"`
}

// svcRegistry has the services of svcProgram, and extra ones on top.
func svcRegistry(extra ...*aioservice.Service) *aioservice.Registry {
	reg := aioservice.NewRegistry()
	run := func(ctx context.Context, a svcArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	once := func(ctx context.Context, a svcArgs) (int, error) { return a.Pin, nil }
	reg.MustRegister(aioservice.Define("hello", run, svcArgs{Pin: 2}, aioservice.WithInfo("Hello example runner v1.0")))
	reg.MustRegister(aioservice.Define("world", once, svcArgs{}, aioservice.WithType(aioservice.Schedule),
		aioservice.WithSchedule(`{"start_in": 20, "repeat": 90}`)))
	reg.MustRegister(aioservice.Define("network", once, svcArgs{}, aioservice.WithType(aioservice.Core)))
	for _, s := range extra {
		reg.MustRegister(s)
	}
	return reg
}

// newSvcProgram starts the services (Up) with config as the config file.
func newSvcProgram(t testing.TB, reg *aioservice.Registry, config string) *svcProgram {
	t.Helper()
	return newSvcProgramUp(t, reg, config, false)
}

// newSvcProgramErr is newSvcProgram for services some of which fail at Up.
func newSvcProgramErr(t testing.TB, reg *aioservice.Registry, config string) *svcProgram {
	t.Helper()
	return newSvcProgramUp(t, reg, config, true)
}

func newSvcProgramUp(t testing.TB, reg *aioservice.Registry, config string, upMayFail bool) *svcProgram {
	t.Helper()
	p := &svcProgram{fc: clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.Local))}
	p.g = aioctl.NewGroup(aioctl.WithClock(p.fc), aioctl.WithLogger(slog.New(slog.DiscardHandler)),
		aioctl.WithDefaultStopTimeout(2*time.Second))
	p.sched = aioschedule.New(p.g)
	p.cfg = filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(p.cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	p.m = aioservice.NewManager(p.g, reg, aioservice.WithConfigFile(p.cfg), aioservice.WithScheduler(p.sched),
		aioservice.WithOutput(io.Discard), aioservice.WithEnv(func(string) (string, bool) { return "", false }))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.m.Close(ctx)
		p.sched.Close()
		p.g.Close(ctx)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.m.Up(ctx); err != nil && !upMayFail {
		t.Fatalf("up: %v", err)
	}
	var err error
	p.in, err = control.NewInterp(control.Components{Group: p.g, Scheduler: p.sched, Services: p.m})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *svcProgram) run(t testing.TB, line string) *control.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.in.ExecLine(ctx, line, control.Options{JSON: true})
}

func (p *svcProgram) info(t testing.TB, name string) aioservice.Info {
	t.Helper()
	for _, i := range p.run(t, "services list").Data.([]aioservice.Info) {
		if i.Name == name {
			return i
		}
	}
	t.Fatalf("services list has no %s", name)
	return aioservice.Info{}
}

func scheduled(p *svcProgram, task string) bool {
	for _, e := range p.sched.List() {
		if e.Task == task {
			return true
		}
	}
	return false
}

// Issue 10: services list said "enabled" after services disable.
func TestServicesListFollowsDisable(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), `{"hello": {"enabled": true}}`)
	if r := p.run(t, "services disable hello"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if p.info(t, "hello").Enabled {
		t.Errorf("services list says hello is enabled after services disable")
	}
	if r := p.in.ExecLine(t.Context(), "services list", control.Options{}); !strings.Contains(r.Text, "runtime.service   disabled") {
		t.Errorf("services list text after disable:\n%s", r.Text)
	}
	if r := p.run(t, "services enable hello"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if !p.info(t, "hello").Enabled {
		t.Errorf("services list says hello is disabled after services enable")
	}
	if r := p.run(t, `services config hello {"enabled": false}`); r.Err != nil {
		t.Fatal(r.Err)
	}
	if p.info(t, "hello").Enabled {
		t.Errorf("services list says hello is enabled after services config {\"enabled\": false}")
	}
}

// Issue 10: unload + load of a schedule service lost its schedule (status
// said "scheduled" forever, schedule list was empty).
func TestServicesReloadKeepsSchedule(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), `{}`)
	if !scheduled(p, "world.service") {
		t.Fatal("world.service is not scheduled after up")
	}
	for _, line := range []string{"services unload world", "services load world"} {
		if r := p.run(t, line); r.Err != nil {
			t.Fatalf("%s: %v", line, r.Err)
		}
	}
	if !scheduled(p, "world.service") {
		t.Errorf("world.service lost its schedule in unload + load; schedule list: %+v", p.sched.List())
	}
	if r := p.run(t, "services unload world"); r.Err != nil || scheduled(p, "world.service") {
		t.Errorf("unload: %v; still scheduled: %v", r.Err, scheduled(p, "world.service"))
	}
}

// Issue 10: delete hello.service wedged the service (load: already
// loaded, start: no task, unload: "no service unloaded" although it did).
func TestDeleteOfAServiceTaskUnloadsIt(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), `{}`)
	if r := p.run(t, "delete hello.service"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if in := p.info(t, "hello"); in.Load != aioservice.NotLoaded || in.Task != "" {
		t.Errorf("after delete hello.service: load %v, task %q; want not loaded", in.Load, in.Task)
	}
	if r := p.run(t, "services unload hello"); r.Err == nil || r.Err.Code != control.CodeNotFound {
		t.Errorf("unload after delete: %v, want not_found (not loaded)", r.Err)
	}
	if r := p.run(t, "services load hello"); r.Err != nil {
		t.Fatalf("load after delete: %v", r.Err)
	}
	if r := p.run(t, "start hello.service"); r.Err != nil {
		t.Fatalf("start after load: %v", r.Err)
	}
	r := p.in.ExecLine(t.Context(), "services unload hello", control.Options{})
	if r.Err != nil || r.Text != "unloaded: hello\n" {
		t.Errorf("unload: %q %v", r.Text, r.Err)
	}
	// A schedule service's task deleted: it loses its schedule with it.
	if r := p.run(t, "delete world.service"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if r := p.run(t, "services load world"); r.Err != nil || !scheduled(p, "world.service") {
		t.Errorf("load world after delete: %v; scheduled: %v", r.Err, scheduled(p, "world.service"))
	}
}

// Issue 10: a constructor that panics (or fails) during services load is
// load_failed, with a message, not internal.
func TestServicesLoadFailureIsLoadFailed(t *testing.T) {
	boom := aioservice.Define("boom", func(ctx context.Context, _ svcArgs) (int, error) { return 0, nil }, svcArgs{},
		aioservice.WithOnLoad(func(context.Context, svcArgs) error {
			var m map[string]int
			//lint:ignore SA5000 the constructor panics on purpose
			m["x"]++
			return nil
		}), aioservice.WithDisabled())
	bad := aioservice.Define("bad", func(ctx context.Context, _ svcArgs) (int, error) { return 0, nil }, svcArgs{},
		aioservice.WithOnLoad(func(context.Context, svcArgs) error { return errors.New("no sensor on pin 0") }),
		aioservice.WithDisabled())
	p := newSvcProgram(t, svcRegistry(boom, bad), `{}`)
	for name, want := range map[string]string{"boom": "panic: assignment to entry in nil map", "bad": "no sensor on pin 0"} {
		r := p.run(t, "services load "+name)
		if r.Err == nil || r.Err.Code != control.CodeLoadFailed || !strings.Contains(r.Err.Message, want) ||
			!strings.Contains(r.Err.Message, name+".service") {
			t.Errorf("services load %s: %+v, want load_failed naming the service and saying %q", name, r.Err, want)
		}
	}
	// Loading all joins them, with the same code.
	if err := p.m.Enable("boom"); err != nil {
		t.Fatal(err)
	}
	if r := p.run(t, "services load all"); r.Err == nil || r.Err.Code != control.CodeLoadFailed {
		t.Errorf("services load all: %+v, want load_failed", r.Err)
	}
}

// Issue 10: a start that comes after its task was deleted (a start racing
// a delete) is not_found, not internal.
func TestStartOfADeletedTaskIsNotFound(t *testing.T) {
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))
	defer g.Close(t.Context())
	task := aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }, struct{}{},
		aioctl.WithName("racer"), aioctl.Deferred())
	if _, err := g.Delete(t.Context(), "racer"); err != nil {
		t.Fatal(err)
	}
	_, err := task.Start() // what Group.Start does for a task it found just before the delete
	if code := control.CodeOf(err); code != control.CodeNotFound {
		t.Errorf("start of a deleted task: code %q (%v), want not_found", code, err)
	}
}

// TestBootOrderVerbReadsTheManager: "boot order" shows the order the
// manager boots in, so a service that is not loaded is not in it.
func TestBootOrderVerbReadsTheManager(t *testing.T) {
	p := newProgram(t)
	m := withServices(t, p)
	in, _ := control.NewInterp(control.Components{Group: p.g, Log: p.ring, Services: m})
	if err := m.Unload(ctxT(t), "time"); err != nil {
		t.Fatal(err)
	}
	r := in.ExecLine(ctxT(t), "boot order", control.Options{})
	if r.Err != nil || !strings.Contains(r.Text, "[ Booting ] Order: --> network\n") {
		t.Errorf("boot order after unloading time: %q %v", r.Text, r.Err)
	}
	want, err := m.BootOrder()
	if err != nil {
		t.Fatal(err)
	}
	if got := in.ExecLine(ctxT(t), "boot order", control.Options{JSON: true}).Data; !reflect.DeepEqual(got, want) {
		t.Errorf("boot order = %+v, want the manager's %+v", got, want)
	}
}
