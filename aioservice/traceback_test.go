package aioservice

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// panickyLoad is a constructor that panics: the panic site.
func panickyLoad(context.Context, helloArgs) error {
	var m map[string]int
	//lint:ignore SA5000 the constructor panics on purpose
	m["boom"]++
	return nil
}

// services traceback starts at the panic site, as a task's traceback does:
// the first frame under the goroutine line is the constructor that
// panicked, not the recover's machinery (runtime/debug.Stack, the
// manager's deferred function, the runtime's panic).
func TestServiceTracebackStartsAtThePanicSite(t *testing.T) {
	g := aioctl.NewGroup()
	reg := NewRegistry()
	reg.MustRegister(Define("boom", waitCtx, helloArgs{}, WithOnLoad(panickyLoad)))
	m := NewManager(g, reg)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	defer g.Close(ctx)
	defer m.Close(ctx)
	m.Up(ctx) // boom fails to load
	tb, err := m.Traceback("boom")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(tb, "\n")
	if len(lines) < 3 || lines[0] != "panic: assignment to entry in nil map" || !strings.HasPrefix(lines[1], "goroutine ") {
		t.Fatalf("traceback:\n%s", tb)
	}
	if !strings.Contains(lines[2], "aioservice.panickyLoad(") {
		t.Errorf("the traceback does not start at the panic site (%q):\n%s", lines[2], tb)
	}
}
