package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// holdSocket starts a control server on sock, as a first program would.
func holdSocket(t *testing.T, sock string) {
	t.Helper()
	g := aioctl.NewGroup()
	srv, err := control.NewServer(control.Config{Components: control.Components{Group: g}, Socket: sock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); g.Close(context.Background()) })
}

// checkTakenError: the error names the socket and how to choose another.
func checkTakenError(t *testing.T, err error, sock string) {
	t.Helper()
	if err == nil {
		t.Fatal("second program on a taken socket started")
	}
	for _, want := range []string{sock, "-socket", "-name", "AIOTOOLS_SOCKET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if !errors.Is(err, control.ErrSocketTaken) {
		t.Errorf("error %v is not control.ErrSocketTaken", err)
	}
}

// TestSecondRunFailsBeforeBooting: a second `aiotools run` on a socket
// another program holds fails before it starts any service: its exec
// commands never run.
func TestSecondRunFailsBeforeBooting(t *testing.T) {
	dir := privateDir(t)
	sock := filepath.Join(dir, "run.sock")
	holdSocket(t, sock)
	mark := filepath.Join(dir, "started")
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "core": {"type": "core.service", "exec": {"argv": ["sh", "-c", "touch `+mark+`"]}},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &watchWriter{ready: make(chan struct{})}
	err := runServices(context.Background(), runConfig{Config: cfgPath, Socket: sock, Name: "second", LogBudget: 4096, Out: w})
	checkTakenError(t, err, sock)
	if _, err := os.Stat(mark); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the second run started a service's command: %v", err)
	}
	if out := w.String(); strings.Contains(out, "Booting") || strings.Contains(out, "Service:") {
		t.Errorf("the second run booted:\n%s", out)
	}
}

// TestSecondDemoFailsBeforeBooting: the same for `aiotools demo`: no task
// starts.
func TestSecondDemoFailsBeforeBooting(t *testing.T) {
	sock := filepath.Join(privateDir(t), "demo.sock")
	holdSocket(t, sock)
	w := &watchWriter{ready: make(chan struct{})}
	err := runDemo(context.Background(), demoConfig{Every: 1, Out: w, Socket: sock})
	checkTakenError(t, err, sock)
	if out := w.String(); strings.Contains(out, "blink") || strings.Contains(out, "Service:") {
		t.Errorf("the second demo started tasks:\n%s", out)
	}
}
