package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// runWithStdin runs the aiotools binary with stdin from a pipe holding
// input, and returns what it printed; it must end by itself (the console's
// input ends) within 20 s.
func runWithStdin(t *testing.T, dir, input string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildAiotools(t), args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("aiotools %q: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// demo --console with a pipe as stdin runs the piped commands, prints
// their answers (no status rounds) and stops when the input ends.
func TestDemoConsoleFromAPipe(t *testing.T) {
	out := runWithStdin(t, t.TempDir(), "status blink\nstop blink\nservices list\nstop nosuch\nservices traceback dofail\n",
		"demo", "--console", "-socket", privateSocket(t))
	for _, want := range []string{
		`console: aioctl's verbs`,
		"● blink: status: running since",
		"stopped: blink",
		"SERVICE                TYPE",
		"network.service",
		`error (not_found): no task matches "nosuch"`,
		"all tasks stopped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, steerHint) {
		t.Errorf("status rounds printed with the console:\n%s", out)
	}
	if strings.Contains(out, "aioctl>") {
		t.Errorf("prompts printed for a pipe:\n%s", out)
	}
	// dofail's traceback starts at the panic site, its constructor.
	_, tb, _ := strings.Cut(out, "● dofail.service: panic: runtime error: integer divide by zero\n")
	if lines := strings.Split(tb, "\n"); len(lines) < 2 || !strings.Contains(lines[0], "goroutine ") || !strings.Contains(lines[1], ".failToLoad(") {
		t.Errorf("services traceback does not start at the panic site:\n%s", out)
	}
}

// run --console reads its commands from stdin too, and the log is not
// echoed into the console's output.
func TestRunConsoleFromAPipe(t *testing.T) {
	out := runWithStdin(t, t.TempDir(), "services list\nstatus\nexit\n",
		"run", "--console", "-socket", privateSocket(t))
	for _, want := range []string{
		"running the built-in services only (watcher)",
		`console: aioctl's verbs`,
		"SERVICE                TYPE",
		"watcher.service",
		"all services stopped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// On a terminal the console edits lines as aioctl shell does: Tab
// completes verbs and task names, Up brings the last line back, Ctrl-C
// clears the line, a follow stops with Enter, and Ctrl-D stops the demo.
func TestDemoConsoleOnATerminal(t *testing.T) {
	tmux := tmuxtest.Need(t)
	bin := buildAiotools(t)
	s := tmuxtest.New(t, tmux, 160, 50, "TERM=xterm-256color "+bin+" demo --console -socket "+privateSocket(t))
	s.WaitPrompt("aioctl>")
	s.Literal("statu") // "stat" is also stats
	s.Keys("Tab")
	s.WaitPrompt("aioctl> status")
	s.Literal("bl")
	s.Keys("Tab")
	s.WaitPrompt("aioctl> status blink")
	s.Keys("Enter")
	s.WaitFor("blink's status", func(sc string) bool {
		return strings.Contains(sc, "● blink: status: running since") && tmuxtest.LastLine(sc) == "aioctl>"
	})
	s.Literal("services ge")
	s.Keys("Tab")
	s.WaitPrompt("aioctl> services get-config")
	s.Keys("C-c") // clears the line, the demo goes on
	s.WaitPrompt("aioctl>")
	s.Keys("Up")
	s.WaitPrompt("aioctl> status blink")
	s.Keys("C-u")
	s.Literal("log -f LED")
	s.Keys("Enter")
	s.WaitFor("the follow", func(sc string) bool {
		return strings.Contains(sc, "(following: press Enter to stop)") && strings.Contains(sc, "[blink] LED 2 toggled!")
	})
	s.Keys("Enter")
	s.WaitPrompt("aioctl>")
	s.Keys("C-d")
	s.WaitGone()
}
