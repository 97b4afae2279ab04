package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// The tmux helpers are internal/tmuxtest's (shared with cmd/aiotools);
// these names keep this package's tests short.
type tmuxSession = tmuxtest.Session

func needTmux(t *testing.T) string { t.Helper(); return tmuxtest.Need(t) }

func newTmux(t *testing.T, tmux string, width, height int, command string) *tmuxSession {
	t.Helper()
	return tmuxtest.New(t, tmux, width, height, command)
}

func lastLine(screen string) string { return tmuxtest.LastLine(screen) }

func TestShellInTmux(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	hist := filepath.Join(t.TempDir(), "state", "history")
	command := "TERM=xterm-256color " + bin + " --socket " + p.sock + " shell --history " + hist
	s := newTmux(t, tmux, 160, 50, command)

	s.WaitPrompt("aioctl>")
	// A verb completes from its prefix.
	s.Literal("statu") // "stat" is also stats
	s.Keys("Tab")
	s.WaitPrompt("aioctl> status")
	// A task name completes from the program's tasks.
	s.Literal("bl")
	s.Keys("Tab")
	s.WaitPrompt("aioctl> status blink")
	s.Keys("Enter")
	s.WaitFor("blink's status", func(sc string) bool {
		return strings.Contains(sc, "● blink: status: running since") && lastLine(sc) == "aioctl>"
	})
	// On a terminal the state dot is coloured (green: running).
	if esc := s.Run("capture-pane", "-p", "-e", "-t", "t"); !strings.Contains(esc, "\x1b[32m●") {
		t.Errorf("no green dot on the terminal:\n%q", esc)
	}
	// Two-word verbs complete their second word; several candidates are listed.
	s.Literal("services ge")
	s.Keys("Tab")
	s.WaitPrompt("aioctl> services get-config")
	s.Keys("C-u")
	s.Literal("st")
	s.Keys("Tab", "Tab")
	s.WaitFor("the candidates of st", func(sc string) bool {
		return strings.Contains(sc, "start") && strings.Contains(sc, "status") && strings.Contains(sc, "stop")
	})
	s.Keys("C-u")
	s.WaitPrompt("aioctl>")
	// History: Up brings the last command back.
	s.Literal("result answer")
	s.Keys("Enter")
	s.WaitFor("the result", func(sc string) bool { return strings.Contains(sc, "answer: 42") })
	s.WaitPrompt("aioctl>")
	s.Keys("Up")
	s.WaitPrompt("aioctl> result answer")
	s.Keys("Up")
	s.WaitPrompt("aioctl> status blink")
	s.Keys("C-u")
	s.Literal("help")
	s.Keys("Enter")
	s.WaitFor("help", func(sc string) bool { return strings.Contains(sc, "set args PATTERN JSON") })
	// Errors are shown and the shell goes on.
	s.Literal("stop ../x")
	s.Keys("Enter")
	s.WaitFor("the error", func(sc string) bool { return strings.Contains(sc, "error (bad_argument)") })
	s.WaitPrompt("aioctl>")
	// A follow runs until Ctrl-C, then the prompt is back.
	s.Literal("log -f -n 1 LED")
	s.Keys("Enter")
	s.WaitFor("the follow", func(sc string) bool { return strings.Contains(sc, "(following: Ctrl-C stops)") })
	s.Keys("C-c")
	s.WaitPrompt("aioctl>")
	s.Literal("exit")
	s.Keys("Enter")
	s.WaitGone()

	// The history was kept in the file, and a new shell reads it.
	b, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(b), "result answer\n") || !strings.Contains(string(b), "status blink\n") {
		t.Fatalf("history file: %q %v", b, err)
	}
	if fi, _ := os.Stat(hist); fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v", fi.Mode().Perm())
	}
	s2 := newTmux(t, tmux, 160, 50, command)
	s2.WaitPrompt("aioctl>")
	s2.Keys("Up")
	s2.WaitPrompt("aioctl> exit")
	s2.Keys("Up")
	s2.WaitPrompt("aioctl> log -f -n 1 LED")
	s2.Keys("C-u", "C-d") // Ctrl-D leaves too
	s2.WaitGone()
}
