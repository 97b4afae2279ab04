package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// runWithStdin runs the aiotools binary with stdin from a pipe holding
// input, and returns what it printed on stdout and on stderr; it must end
// by itself (the console's input ends) within 20 s.
func runWithStdin(t *testing.T, dir, input string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildAiotools(t), args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("aiotools %q: %v\nstdout:\n%s\nstderr:\n%s", args, err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// notOnStdout are lines that tell a person what the program does (boot
// lines, the banner, the shutdown): a console without a terminal prints
// them on stderr, so that stdout carries the answers alone.
var notOnStdout = []string{"[ OK ]", "[ Booting ]", `console: aioctl's verbs`, "control socket", "dashboard:", "stopping…", "all tasks stopped", "all services stopped"}

// From a pipe, stdout has no word meant for a person at a terminal: no
// "(following: press Enter to stop)" before a stream, no blank line at
// the end of the input.
func TestDemoConsoleFromAPipeHasNoHints(t *testing.T) {
	out, _ := runWithStdin(t, t.TempDir(), "follow -n 1 LED\nresult answer\n",
		"demo", "--console", "-socket", privateSocket(t))
	if strings.Contains(out, "(following") {
		t.Errorf("stdout has the terminal's hint:\n%q", out)
	}
	if !strings.HasSuffix(out, "answer: 42\n") {
		t.Errorf("stdout does not end with the last answer:\n%q", out)
	}
}

// demo --console with a pipe as stdin runs the piped commands, prints
// their answers (no status rounds) and stops when the input ends.
func TestDemoConsoleFromAPipe(t *testing.T) {
	out, diag := runWithStdin(t, t.TempDir(), "status blink\nstop blink\nservices list\nstop nosuch\nservices traceback dofail\n",
		"demo", "--console", "-socket", privateSocket(t))
	if !strings.HasPrefix(out, "● blink: status: running since") {
		t.Errorf("stdout does not start with the first answer:\n%s", out)
	}
	for _, not := range notOnStdout {
		if strings.Contains(out, not) {
			t.Errorf("stdout has %q, which is no answer:\n%s", not, out)
		}
	}
	for _, want := range []string{"[ OK ] Booting network.service...", `console: aioctl's verbs`, "control socket", "all tasks stopped"} {
		if !strings.Contains(diag, want) {
			t.Errorf("stderr lacks %q:\n%s", want, diag)
		}
	}
	for _, want := range []string{
		"● blink: status: running since",
		"stopped: blink",
		"SERVICE                TYPE",
		"network.service",
		`error (not_found): no task matches "nosuch"`,
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
// echoed into the console's output: stdout has the answers alone, the
// boot lines and the banner go to stderr.
func TestRunConsoleFromAPipe(t *testing.T) {
	out, diag := runWithStdin(t, t.TempDir(), "services list\nstatus\nexit\n",
		"run", "--console", "-socket", privateSocket(t))
	if !strings.HasPrefix(out, "SERVICE                TYPE") {
		t.Errorf("stdout does not start with the first answer:\n%s", out)
	}
	for _, not := range notOnStdout {
		if strings.Contains(out, not) {
			t.Errorf("stdout has %q, which is no answer:\n%s", not, out)
		}
	}
	if !strings.Contains(out, "watcher.service") {
		t.Errorf("stdout lacks watcher.service:\n%s", out)
	}
	for _, want := range []string{
		"running the built-in services only (watcher)",
		"[ OK ] Starting watcher.service...",
		`console: aioctl's verbs`,
		"all services stopped",
	} {
		if !strings.Contains(diag, want) {
			t.Errorf("stderr lacks %q:\n%s", want, diag)
		}
	}
}

// The banner of run's console suggests stopping a task that the program
// has (the demo's blink is not there): the config's own service.
func TestRunConsoleBannerNamesARealTask(t *testing.T) {
	dir := t.TempDir()
	config := `{"ticker": {"enabled": true, "exec": {"argv": ["sleep", "600"]}}}`
	if err := os.WriteFile(filepath.Join(dir, "services.config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out, diag := runWithStdin(t, dir, "stop ticker.service\nexit\n",
		"run", "--console", "-c", "services.config", "-socket", privateSocket(t))
	_, after, ok := strings.Cut(diag, "\n  status, stop ")
	name, _, _ := strings.Cut(after, ",")
	if !ok || name != "ticker.service" {
		t.Fatalf("the banner suggests stopping %q, not ticker.service:\n%s", name, diag)
	}
	if !strings.Contains(out, "stopped: "+name) {
		t.Errorf("stop %s: %s", name, out)
	}
	// Its log example follows that service too: run has no LED.
	if !strings.Contains(diag, ", log -f ticker ") || strings.Contains(diag, "LED") {
		t.Errorf("the banner does not suggest following ticker's lines:\n%s", diag)
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
