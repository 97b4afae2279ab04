package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunNotifiesSystemd: under a (fake) systemd, `aiotools run` says
// READY=1 once its services are up, a STATUS= line, and STOPPING=1 when it
// is told to stop.
func TestRunNotifiesSystemd(t *testing.T) {
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "greeter": {"exec": {"argv": ["sh", "-c", "exec sleep 60"]}, "stop_timeout": "2s"},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sdDir, err := os.MkdirTemp("", "sd") // a socket path has at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(sdDir)
	notify := filepath.Join(sdDir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: notify, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", notify)
	t.Setenv("WATCHDOG_USEC", "")
	got := make(chan string, 50)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(got)
				return
			}
			got <- string(buf[:n])
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case s := <-got:
			return s
		case <-time.After(20 * time.Second):
			t.Fatal("no datagram from aiotools run")
			return ""
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	w := &watchWriter{ready: make(chan struct{})}
	go func() {
		errc <- runServices(ctx, runConfig{Config: cfgPath, Socket: filepath.Join(dir, "run.sock"), Name: "sdtest", LogBudget: 64 << 10, Out: w})
	}()
	if s := next(); s != "READY=1" {
		t.Fatalf("first datagram %q, want READY=1", s)
	}
	if s := next(); s != "STATUS=1 running" {
		t.Fatalf("second datagram %q, want STATUS=1 running (greeter)", s)
	}
	cancel()
	for s := next(); s != "STOPPING=1"; s = next() {
		if !strings.HasPrefix(s, "STATUS=") {
			t.Fatalf("at shutdown: %q, want STOPPING=1", s)
		}
	}
	if err := <-errc; err != nil {
		t.Fatalf("run: %v\n%s", err, w)
	}
}

// TestRunShutdownReportsAKilledService: a command that ignores SIGTERM is
// killed after its stop timeout; run names it and ends with an error (exit
// status 1), where a clean stop ends with "all services stopped".
func TestRunShutdownReportsAKilledService(t *testing.T) {
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "stubborn": {"exec": {"argv": ["sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 1; done"]}, "stop_timeout": "1s"},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOTIFY_SOCKET", "")
	w := &watchWriter{want: []string{"trapped"}, ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- runServices(ctx, runConfig{Config: cfgPath, Socket: filepath.Join(dir, "run.sock"), Name: "killtest", LogBudget: 64 << 10, Out: w})
	}()
	select {
	case <-w.ready:
	case err := <-errc:
		t.Fatalf("run ended early: %v\n%s", err, w)
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("the service never started:\n%s", w)
	}
	cancel() // SIGTERM, as the signal context of main does it
	err := <-errc
	if !errors.Is(err, ErrNotStopped) || !strings.Contains(err.Error(), "stubborn.service") {
		t.Fatalf("err = %v, want ErrNotStopped naming stubborn.service\n%s", err, w)
	}
	if out := w.String(); !strings.Contains(out, "shutdown: stubborn.service was killed (SIGKILL after its stop timeout)\n") ||
		strings.Contains(out, "all services stopped") {
		t.Fatalf("output:\n%s", out)
	}
}

// TestSystemdUnitExample holds the example unit to what run supports: a
// notify service with a watchdog, reload by SIGHUP, and only flags that
// `aiotools run` knows.
func TestSystemdUnitExample(t *testing.T) {
	b, err := os.ReadFile("../../examples/systemd/aiotools.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{"\nType=notify\n", "\nWatchdogSec=", "\nExecReload=/bin/kill -HUP $MAINPID\n", "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	var usage strings.Builder
	run([]string{"run", "-h"}, &usage, &usage)
	for _, line := range strings.Split(unit, "\n") {
		args, ok := strings.CutPrefix(line, "ExecStart=")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(args) {
			if strings.HasPrefix(f, "-") && !strings.Contains(usage.String(), "\n  "+f+" ") && !strings.Contains(usage.String(), "\n  "+f+"\n") {
				t.Errorf("ExecStart uses %s, which aiotools run does not know:\n%s", f, usage.String())
			}
		}
	}
}
