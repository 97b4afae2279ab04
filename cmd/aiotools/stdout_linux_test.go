//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// tickerConfig declares one service that prints a numbered line every
// 10 ms: enough to fill a small pipe within a second.
func tickerConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := `{
  "ticker": {"exec": {"argv": ["sh", "-c", "i=0; while :; do i=$((i+1)); echo tick $i padding-padding-padding-padding; sleep 0.01; done"]}},
  "watcher": {"enabled": false}
}`
	path := filepath.Join(dir, "services.config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startRunTo starts `aiotools run` with stdout going to the write end of a
// pipe, whose read end the caller holds; it returns once the control
// socket answers.
func startRunTo(t *testing.T, stdout *os.File, cfg, sock string) *exec.Cmd {
	t.Helper()
	bin := buildAiotools(t)
	errOut, err := os.Create(filepath.Join(filepath.Dir(sock), "stderr.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer errOut.Close()
	cmd := exec.Command(bin, "run", "-c", cfg, "-socket", sock)
	cmd.Stdout, cmd.Stderr = stdout, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) // a no-op once it ended
	return cmd
}

// tickRE finds the ticker's line numbers.
var tickRE = regexp.MustCompile(`\[ticker\.service\] tick (\d+) `)

// logReaches asks the runner for the ticker's last lines over the control
// socket and checks that they reached line n.
func logReaches(sock string, n int) func() error {
	return func() error {
		c, err := client.New(client.Options{Socket: sock})
		if err != nil {
			return err
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := c.ExecLine(ctx, "log -n 3 ticker", control.Options{})
		if err != nil {
			return err
		}
		for _, m := range tickRE.FindAllStringSubmatch(res.Text, -1) {
			if i, _ := strconv.Atoi(m[1]); i >= n {
				return nil
			}
		}
		return fmt.Errorf("log has not reached tick %d: %s", n, res.Text)
	}
}

// stopsOnSIGTERM sends SIGTERM and checks that the runner ends promptly,
// with status 0, removing its socket.
func stopsOnSIGTERM(t *testing.T, cmd *exec.Cmd, sock string) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			errOut, _ := os.ReadFile(filepath.Join(filepath.Dir(sock), "stderr.txt"))
			t.Fatalf("aiotools run ended with %v\n%s", err, errOut)
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatal("aiotools run ignored SIGTERM")
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
}

// `aiotools run … | sleep 100000`: stdout is a pipe nobody reads. Logging
// goes on long after the pipe is full, and SIGTERM still stops the runner
// at once and cleanly.
func TestRunWithUnreadStdoutKeepsLoggingAndStops(t *testing.T) {
	dir := privateDir(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close() // held open, never read
	if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 4096); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "run.sock")
	cmd := startRunTo(t, w, tickerConfig(t, dir), sock)
	w.Close()
	// 300 lines of about 90 bytes: far more than the pipe holds.
	pollUntil(t, 20*time.Second, "the ticker logged its 300th line", logReaches(sock, 300))
	stopsOnSIGTERM(t, cmd, sock)
}

// `aiotools run … | tee log` and Ctrl-C: stdout is a pipe whose reader is
// gone. A write to it fails (EPIPE, no SIGPIPE death): the echo ends, the
// runner goes on, and stops cleanly.
func TestRunWithClosedStdoutRunsAndStops(t *testing.T) {
	dir := privateDir(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	sock := filepath.Join(dir, "run.sock")
	cmd := startRunTo(t, w, tickerConfig(t, dir), sock)
	w.Close()
	pollUntil(t, 20*time.Second, "the ticker logged its 20th line", logReaches(sock, 20))
	stopsOnSIGTERM(t, cmd, sock)
}
