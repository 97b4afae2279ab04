package main

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

	"github.com/aiotools-go/aiotools/control"
)

// needTmux finds tmux, installing Debian's package with
// scripts/install-tmux.sh when it is missing. It skips the test only when
// that is impossible and CI is not set.
func needTmux(t *testing.T) string {
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
	msg := "tmux is missing and scripts/install-tmux.sh could not install it: " + err.Error() + "\n" + string(out)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// tmuxSession runs a command in a detached tmux session on a private
// tmux server, and reads its screen.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

func newTmux(t *testing.T, tmux string, width, height int, command string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, tmux: tmux, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	s.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	t.Cleanup(func() { exec.Command(tmux, "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys types keys; tmux key names (Tab, Enter, Up, C-c) are sent as keys.
func (s *tmuxSession) keys(keys ...string) {
	s.run(append([]string{"send-keys", "-t", "t"}, keys...)...)
}

// literal types text as it is.
func (s *tmuxSession) literal(text string) { s.run("send-keys", "-t", "t", "-l", text) }

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", "t") }

// waitFor polls the screen (an external program's output: there is no
// event to wait on) until ok says yes, for at most 10 s.
func (s *tmuxSession) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	var sc string
	pollUntil(s.t, 10*time.Second, "waiting for "+what, func() error {
		if sc = s.screen(); ok(sc) {
			return nil
		}
		return fmt.Errorf("screen:\n%s", sc)
	})
	return sc
}

// waitGone waits until the session's command has ended (the session,
// and with it the private tmux server, is gone).
func (s *tmuxSession) waitGone() {
	s.t.Helper()
	pollUntil(s.t, 10*time.Second, "the session ending", func() error {
		if exec.Command(s.tmux, "-S", s.socket, "has-session", "-t", "t").Run() != nil {
			return nil
		}
		// Not s.screen: the session may end between the two commands.
		sc, _ := exec.Command(s.tmux, "-S", s.socket, "capture-pane", "-p", "-t", "t").CombinedOutput()
		return fmt.Errorf("the session is still there; screen:\n%s", sc)
	})
}

// lastLine is the screen's last non-empty line (the prompt line).
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

func (s *tmuxSession) waitPrompt(line string) string {
	s.t.Helper()
	return s.waitFor("prompt line "+strconv.Quote(line), func(sc string) bool { return lastLine(sc) == line })
}

func TestShellInTmux(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	hist := filepath.Join(t.TempDir(), "state", "history")
	command := "TERM=xterm-256color " + bin + " --socket " + p.sock + " shell --history " + hist
	s := newTmux(t, tmux, 160, 50, command)

	s.waitPrompt("aioctl>")
	// A verb completes from its prefix.
	s.literal("stat")
	s.keys("Tab")
	s.waitPrompt("aioctl> status")
	// A task name completes from the program's tasks.
	s.literal("bl")
	s.keys("Tab")
	s.waitPrompt("aioctl> status blink")
	s.keys("Enter")
	s.waitFor("blink's status", func(sc string) bool {
		return strings.Contains(sc, "● blink: status: running since") && lastLine(sc) == "aioctl>"
	})
	// On a terminal the state dot is coloured (green: running).
	if esc := s.run("capture-pane", "-p", "-e", "-t", "t"); !strings.Contains(esc, "\x1b[32m●") {
		t.Errorf("no green dot on the terminal:\n%q", esc)
	}
	// Two-word verbs complete their second word; several candidates are listed.
	s.literal("services ge")
	s.keys("Tab")
	s.waitPrompt("aioctl> services get-config")
	s.keys("C-u")
	s.literal("st")
	s.keys("Tab", "Tab")
	s.waitFor("the candidates of st", func(sc string) bool {
		return strings.Contains(sc, "start") && strings.Contains(sc, "status") && strings.Contains(sc, "stop")
	})
	s.keys("C-u")
	s.waitPrompt("aioctl>")
	// History: Up brings the last command back.
	s.literal("result answer")
	s.keys("Enter")
	s.waitFor("the result", func(sc string) bool { return strings.Contains(sc, "answer: 42") })
	s.waitPrompt("aioctl>")
	s.keys("Up")
	s.waitPrompt("aioctl> result answer")
	s.keys("Up")
	s.waitPrompt("aioctl> status blink")
	s.keys("C-u")
	s.literal("help")
	s.keys("Enter")
	s.waitFor("help", func(sc string) bool { return strings.Contains(sc, "set args PATTERN JSON") })
	// Errors are shown and the shell goes on.
	s.literal("stop ../x")
	s.keys("Enter")
	s.waitFor("the error", func(sc string) bool { return strings.Contains(sc, "error (bad_argument)") })
	s.waitPrompt("aioctl>")
	// A follow runs until Ctrl-C, then the prompt is back.
	s.literal("log -f -n 1 LED")
	s.keys("Enter")
	s.waitFor("the follow", func(sc string) bool { return strings.Contains(sc, "(following: Ctrl-C stops)") })
	s.keys("C-c")
	s.waitPrompt("aioctl>")
	s.literal("exit")
	s.keys("Enter")
	s.waitGone()

	// The history was kept in the file, and a new shell reads it.
	b, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(b), "result answer\n") || !strings.Contains(string(b), "status blink\n") {
		t.Fatalf("history file: %q %v", b, err)
	}
	if fi, _ := os.Stat(hist); fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v", fi.Mode().Perm())
	}
	s2 := newTmux(t, tmux, 160, 50, command)
	s2.waitPrompt("aioctl>")
	s2.keys("Up")
	s2.waitPrompt("aioctl> exit")
	s2.keys("Up")
	s2.waitPrompt("aioctl> log -f -n 1 LED")
	s2.keys("C-u", "C-d") // Ctrl-D leaves too
	s2.waitGone()
}

// pollUntil calls check until it returns nil, for at most timeout, and
// fails the test with check's last error otherwise. It is only for
// conditions outside the test's reach that give no event to wait on
// (another program's screen, read with tmux
// capture-pane, and whether its tmux session still exists); everything else waits on channels. The pause between tries
// grows from 1 ms to 50 ms: a quick condition is seen quickly, a slow one
// is not spun on, and the whole wait is bounded.
func pollUntil(t testing.TB, timeout time.Duration, what string, check func() error) {
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
