package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// startDemo builds and starts `aiotools demo` on a socket of its own,
// and waits for the socket; the test's cleanup ends it.
func startDemo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "aiotools")
	if out, err := exec.Command("go", "build", "-o", bin, "../aiotools").CombinedOutput(); err != nil {
		t.Fatalf("go build aiotools: %v\n%s", err, out)
	}
	sock := filepath.Join(dir, "demo.sock")
	cmd := exec.Command(bin, "demo", "-socket", sock, "-web", "off", "-every", "1h")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	tmuxtest.PollUntil(t, 20*time.Second, "the demo's socket", func() error {
		_, err := os.Stat(sock)
		return err
	})
	return sock
}

// rowOf is the table line of a task on a screen.
func rowOf(screen, task string) string {
	re := regexp.MustCompile(`(?m)^[ >] ` + regexp.QuoteMeta(task) + ` .*$`)
	return re.FindString(screen)
}

// aioctl top on a terminal, against the demo: the demo's services with
// their states, S stops the selected task (after a y) and the screen
// shows it at once, / and $ filter, q gives the terminal back as it was.
func TestTopInTmux(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	sock := startDemo(t)
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before"), filepath.Join(dir, "after")
	// The shell saves the terminal's settings before and after top, and
	// says whether they are the same.
	command := "stty -g > " + before + "; TERM=xterm-256color " + bin + " --socket " + sock + " top; echo EXIT=$?; stty -g > " + after +
		"; cmp -s " + before + " " + after + " && echo RESTORED || echo BROKEN; read x"
	s := tmuxtest.New(t, tmux, 100, 30, command)

	sc := s.WaitFor("the demo's services", func(sc string) bool {
		return strings.Contains(rowOf(sc, "blink"), "RUNNING") && strings.Contains(rowOf(sc, "hello.service"), "RUNNING") &&
			strings.Contains(rowOf(sc, "dofail"), "ERROR") && strings.Contains(sc, "[ ONLINE ]")
	})
	if !strings.Contains(sc, "SERVICE") || !strings.Contains(sc, "STATUS") || !strings.Contains(sc, "Mem  [") {
		t.Errorf("no table header or device block:\n%s", sc)
	}
	// The status contract's colours: RUNNING green, ERROR red.
	if esc := s.ScreenEscapes(); !strings.Contains(esc, "\x1b[32mRUNNING") || !strings.Contains(esc, "\x1b[31mERROR") {
		t.Errorf("states not coloured:\n%q", esc)
	}

	// $ filters the services as typed; Enter keeps the filter.
	s.Literal("$blink")
	s.Keys("Enter")
	s.WaitFor("only blink", func(sc string) bool {
		return rowOf(sc, "blink") != "" && rowOf(sc, "hello.service") == "" && strings.Contains(sc, "filter $blink")
	})
	// S on the selected (running) task asks, y stops it; the stopped
	// state comes from the program's watch stream (the stats refresh,
	// the only poll, is 5 s away).
	s.Literal("S")
	s.WaitFor("the question", func(sc string) bool { return strings.Contains(tmuxtest.LastLine(sc), "stop blink on ") })
	start := time.Now()
	s.Literal("y")
	s.WaitFor("blink stopped", func(sc string) bool { return strings.Contains(rowOf(sc, "blink"), "STOPPED") })
	took := time.Since(start)
	t.Logf("S y → STOPPED on the screen in %v", took)
	if took > 4*time.Second {
		t.Errorf("the stop showed after %v: not from the watch stream", took)
	}

	// / filters devices: none matches, then Esc clears it.
	s.Keys("$", "Escape")
	s.Literal("/no-such-device")
	s.WaitFor("no device", func(sc string) bool { return strings.Contains(sc, "(no task matches)") })
	s.Keys("Escape")
	s.WaitFor("all tasks again", func(sc string) bool { return rowOf(sc, "hello.service") != "" })

	// q ends top and the terminal is as it was.
	s.Literal("q")
	sc = s.WaitFor("top's end", func(sc string) bool { return strings.Contains(sc, "RESTORED") || strings.Contains(sc, "BROKEN") })
	if !strings.Contains(sc, "EXIT=0") || !strings.Contains(sc, "RESTORED") || strings.Contains(sc, "SERVICE") {
		t.Errorf("after q:\n%s", sc)
	}
}
