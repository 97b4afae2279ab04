// Package tmuxtest runs a command on a terminal for a test: in a detached
// tmux session on a private tmux server, whose screen the test reads and
// into which it types keys. It is for the tests of what a person sees on a
// terminal (line editing, completion, colours, a screen redrawn in place),
// which a pipe cannot show.
package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Need finds tmux, installing Debian's package with
// scripts/install-tmux.sh when it is missing. It skips the test only when
// that is impossible and CI is not set.
func Need(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("tmux"); err == nil {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "install-tmux.sh")
	out, err := exec.Command("bash", script).CombinedOutput()
	if p, lerr := exec.LookPath("tmux"); lerr == nil {
		return p
	}
	msg := fmt.Sprintf("tmux is missing and scripts/install-tmux.sh could not install it: %v\n%s", err, out)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Session is a command running on a tmux terminal.
type Session struct {
	t      testing.TB
	tmux   string
	socket string
}

// New runs command (a shell command line) on a width×height terminal;
// the test's cleanup ends the session and its tmux server.
func New(t testing.TB, tmux string, width, height int, command string) *Session {
	t.Helper()
	s := &Session{t: t, tmux: tmux, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	s.Run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	t.Cleanup(func() { exec.Command(tmux, "-S", s.socket, "kill-server").Run() })
	return s
}

// Run runs a tmux command on the session's server and returns its output.
func (s *Session) Run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// Keys types keys; tmux key names (Tab, Enter, Up, C-c) are sent as keys.
func (s *Session) Keys(keys ...string) { s.Run(append([]string{"send-keys", "-t", "t"}, keys...)...) }

// Literal types text as it is.
func (s *Session) Literal(text string) { s.Run("send-keys", "-t", "t", "-l", text) }

// Screen is the text on the screen.
func (s *Session) Screen() string { return s.Run("capture-pane", "-p", "-t", "t") }

// ScreenEscapes is the screen with its colours, as escape sequences.
func (s *Session) ScreenEscapes() string { return s.Run("capture-pane", "-p", "-e", "-t", "t") }

// WaitFor polls the screen (another program's output: there is no event
// to wait on) until ok says yes, for at most 10 s, and returns it.
func (s *Session) WaitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	var sc string
	PollUntil(s.t, 10*time.Second, "waiting for "+what, func() error {
		if sc = s.Screen(); ok(sc) {
			return nil
		}
		return fmt.Errorf("screen:\n%s", sc)
	})
	return sc
}

// WaitPrompt waits until the screen's last non-empty line is line.
func (s *Session) WaitPrompt(line string) string {
	s.t.Helper()
	return s.WaitFor("prompt line "+strconv.Quote(line), func(sc string) bool { return LastLine(sc) == line })
}

// WaitGone waits until the session's command has ended (the session, and
// with it the private tmux server, is gone).
func (s *Session) WaitGone() {
	s.t.Helper()
	PollUntil(s.t, 10*time.Second, "the session ending", func() error {
		if exec.Command(s.tmux, "-S", s.socket, "has-session", "-t", "t").Run() != nil {
			return nil
		}
		// Not s.Screen: the session may end between the two commands.
		sc, _ := exec.Command(s.tmux, "-S", s.socket, "capture-pane", "-p", "-t", "t").CombinedOutput()
		return fmt.Errorf("the session is still there; screen:\n%s", sc)
	})
}

// LastLine is the screen's last non-empty line (the prompt line).
func LastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// PollUntil calls check until it returns nil, for at most timeout, and
// fails the test with check's last error otherwise. It is only for
// conditions outside the test's reach that give no event to wait on
// (another program's screen). The pause between tries grows from 1 ms to
// 50 ms: a quick condition is seen quickly, a slow one is not spun on, and
// the whole wait is bounded.
func PollUntil(t testing.TB, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after %v: %v", what, timeout, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}
