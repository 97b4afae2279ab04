package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	code := m.Run()
	removeBinary()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: errors on successful test run:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// watchWriter collects output and closes ready once every wanted string
// has been written.
type watchWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	want  []string
	until func(out string) bool // and until this says yes, when set
	ready chan struct{}
	done  bool
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.done {
		all := w.until == nil || w.until(w.buf.String())
		for _, s := range w.want {
			if !strings.Contains(w.buf.String(), s) {
				all = false
			}
		}
		if all {
			w.done = true
			close(w.ready)
		}
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func runUntil(t *testing.T, cfg demoConfig, want ...string) string {
	t.Helper()
	return runUntilFunc(t, cfg, nil, want...)
}

// runUntilFunc runs the demo until its output holds every wanted string
// and, when until is given, until says yes; it returns the output.
func runUntilFunc(t *testing.T, cfg demoConfig, until func(string) bool, want ...string) string {
	t.Helper()
	w := &watchWriter{want: want, until: until, ready: make(chan struct{})}
	cfg.Out = w
	// A private control socket, so a demo running on the machine is no obstacle.
	old := demoControlSocket
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil { // the socket's directory must be private
		t.Fatal(err)
	}
	demoControlSocket = filepath.Join(dir, "demo.sock")
	defer func() { demoControlSocket = old }()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- runDemo(ctx, cfg) }()
	select {
	case <-w.ready:
	case err := <-errc:
		cancel()
		t.Fatalf("demo ended early: %v\n%s", err, w.String())
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("demo never printed %q:\n%s", want, w.String())
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("demo: %v", err)
	}
	return w.String()
}

func TestDemoShowsTaskStatesAndStopsCleanly(t *testing.T) {
	out := runUntil(t, demoConfig{Every: 50 * time.Millisecond},
		"● answer: status: done @",
		"--> result: 42",
		"● dofail: status: ERROR @",
		"--> result: Error: division by zero",
		"● crash: status: ERROR @",
		"panic: assignment to entry in nil map",
		"[pyb] [INFO] [blink] LED 2 toggled!",
		"● blink: status: running since",
	)
	if !strings.HasSuffix(out, "all tasks stopped\n") {
		t.Fatalf("demo did not stop cleanly:\n%s", out)
	}
}

func TestDemoFollowPrintsLogLines(t *testing.T) {
	out := runUntil(t, demoConfig{Every: time.Second, Follow: true, Grep: "LED"},
		"[blink] LED 2 toggled!")
	if strings.Contains(out, "[dofail]") {
		t.Fatalf("follow ignored its grep:\n%s", out)
	}
}

func TestRunRejectsUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"fly"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), `"fly"`) {
		t.Fatalf("err = %v", err)
	}
	if err := run(nil, &out, &errOut); err == nil {
		t.Fatal("no command accepted")
	}
}

func TestDemoHelpIsNotAnError(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"demo", "-h"}, &out, &errOut); err != nil {
		t.Fatalf("demo -h: err = %v, want nil (usage printed, exit 0)", err)
	}
	if !strings.Contains(errOut.String(), "-every") {
		t.Fatalf("demo -h printed no usage:\n%s", errOut.String())
	}
}
