package control_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// TestServiceLogLevelFromConfig: "log_level" in services.config sets the
// service's task level when it loads, and the level holds when the task
// restarts; a word that names no level is a config error naming it.
func TestServiceLogLevelFromConfig(t *testing.T) {
	ring := aiolog.New(64 << 10)
	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("hello", func(ctx context.Context, _ struct{}) (int, error) {
		aioctl.Logger(ctx).Debug("hello debug")
		return 0, nil
	}, struct{}{}))
	path := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(path, []byte(`{"hello": {"log_level": "debug"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(ring.Handler(nil))))
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(path), aioservice.WithEnv(func(string) (string, bool) { return "", false }))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5e9)
		defer cancel()
		m.Close(ctx)
		g.Close(ctx)
	})
	in, err := control.NewInterp(control.Components{Group: g, Log: ring, Services: m})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	count := func() int {
		lines, _ := ring.Lines(aiolog.Query{Grep: "[DEBUG] [hello.service] hello debug"})
		return len(lines)
	}
	waitDone := func() {
		tk, ok := g.Get("hello.service")
		if !ok {
			t.Fatal("no hello.service task")
		}
		<-tk.Done()
	}
	if r := in.ExecLine(ctx, "services load hello", control.Options{}); r.Err != nil {
		t.Fatal(r.Err)
	}
	waitDone()
	if n := count(); n != 1 {
		t.Fatalf("%d debug lines after the load", n)
	}
	if r := in.ExecLine(ctx, "restart hello.service", control.Options{}); r.Err != nil {
		t.Fatal(r.Err)
	}
	waitDone()
	if n := count(); n != 2 {
		t.Fatalf("%d debug lines after a restart", n)
	}
	if r := in.ExecLine(ctx, "log level hello.service", control.Options{}); r.Text != "hello.service  DEBUG set\n" {
		t.Fatalf("log level: %q", r.Text)
	}

	if err := os.WriteFile(path, []byte(`{"hello": {"log_level": "loud"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := in.ExecLine(ctx, "services unload hello", control.Options{}); r.Err != nil {
		t.Fatal(r.Err)
	}
	r := in.ExecLine(ctx, "services load hello", control.Options{})
	if r.Err == nil || !strings.Contains(r.Err.Message, `hello.log_level: unknown level "loud"`) || !strings.Contains(r.Err.Message, "services.config:1:") {
		t.Fatalf("bad level: %v", r.Err)
	}
}
