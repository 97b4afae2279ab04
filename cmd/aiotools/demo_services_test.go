package main

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The demo's services part loads the shipped services.config, prints the
// load status and the boot order, and stops everything on cleanup.
func TestDemoServices(t *testing.T) {
	out := &lockedBuffer{}
	d := &demo{cfg: demoConfig{Out: out}, group: aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))}
	if err := setupServices(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if i := strings.Index(l, " from "); i >= 0 && strings.HasPrefix(l, "[ OK ] Service: ") {
			l = l[:i] + " loaded"
		}
		lines = append(lines, l)
	}
	for _, want := range []string{
		"[ OK ] Service: hello.service loaded",
		"[ OK ] Service: world.service loaded",
		"[ OK ] Service: network.service loaded",
		"[ OK ] Service: time.service loaded",
		"[ OK ] Service: watcher.service loaded",
		"[ OK ] Service: ticker.service loaded",
		"[ OK ] Priority core services solved...",
		"[ Booting ] Order: --> network --> time",
		"[ OK ] Booting network.service...",
		"[ OK ] network.service WLAN: ENABLED",
		"[ OK ] Booting time.service...",
		"[ OK ] time.service NTP: clock synced",
		"[ OK ] Starting hello.service...",
		"[ OK ] Starting ticker.service...",
		"[ OK ] Starting watcher.service...",
		"[ OK ] Scheduling world.service: start_in=5s repeat=30s",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out.String(), "[ ERROR ] Service: dofail.service from aiotools/demo_services.go:") ||
		!strings.Contains(out.String(), "not loaded: Error: panic: runtime error: integer divide by zero") {
		t.Errorf("dofail did not fail to load:\n%s", out)
	}
	if d.services == nil || len(d.help) == 0 {
		t.Error("no manager for the control socket, or no help line")
	}
	for _, n := range []string{"hello.service", "ticker.service", "watcher.service"} {
		// Active, not Running: hello fails now and then by design, and may be
		// waiting out its restart delay.
		if task, ok := d.group.Get(n); !ok || !task.State().Active() {
			t.Errorf("%s is not running", n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := len(d.cleanup) - 1; i >= 0; i-- {
		if err := d.cleanup[i](ctx); err != nil {
			t.Error(err)
		}
	}
	d.group.Close(ctx)
}

// hello.service fails now and then, but never in the first loop of a run:
// the demo's start shows it running (TestDemoServices failed one time in 8).
func TestHelloFailsOnlyAfterItsFirstLoop(t *testing.T) {
	s := &helloStats{fail: func() bool { return true }}
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))
	defer g.Close(context.Background())
	task := aioctl.MustAdd(g, s.run, HelloServiceArgs{Pin: 2, Sleep: 0}, aioctl.WithName("hello.service"))
	<-task.Done()
	if task.State() != aioctl.Error || task.Result() != int64(1) {
		t.Errorf("state %v after %v loops, want an error after the first loop", task.State(), task.Result())
	}
}

// services list has a header row naming its columns, as systemctl's has.
func TestServicesListHasAHeaderRow(t *testing.T) {
	d := &demo{cfg: demoConfig{Out: &lockedBuffer{}}, group: aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))}
	if err := setupServices(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for i := len(d.cleanup) - 1; i >= 0; i-- {
			d.cleanup[i](ctx)
		}
		d.group.Close(ctx)
	}()
	var b strings.Builder
	if err := d.services.WriteList(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"SERVICE", "TYPE", "ENABLED", "LOAD", "STATE", "DESCRIPTION"}) {
		t.Fatalf("header row %q:\n%s", lines[0], b.String())
	}
	// The columns line up under their names.
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "hello.service") && strings.Index(l, "runtime.service") != strings.Index(lines[0], "TYPE") {
			t.Errorf("TYPE is not above the type:\n%s", b.String())
		}
	}
}

// In debug status every demo task and service names a function a reader
// can find in the source (main.networkUp), never a closure's generated
// name (main.demoServiceRegistry.coreStep.func9).
func TestDemoTaskFunctionsHaveReadableNames(t *testing.T) {
	out := runUntil(t, demoConfig{Every: 50 * time.Millisecond, Debug: true},
		"● network.service", "● time.service", "networkUp (group demo)", "timeSync (group demo)", "blink (group demo)")
	round := out[strings.LastIndex(out, steerHint):]
	readable := regexp.MustCompile(`^    Task: [A-Za-z0-9_./()*-]+ \(group demo\)$`)
	generated := regexp.MustCompile(`\.func\d+|\.gowrap\d+`)
	n := 0
	for _, l := range strings.Split(round, "\n") {
		if !strings.HasPrefix(l, "    Task: ") {
			continue
		}
		n++
		if !readable.MatchString(l) || generated.MatchString(l) {
			t.Errorf("not a readable function: %q", l)
		}
	}
	if n < 10 {
		t.Fatalf("%d Task: lines in the last round:\n%s", n, round)
	}
}
