package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// startDemo builds and starts `aiotools demo` with args and returns its
// socket (in a private directory) and the first line of its output that
// starts with prefix ("" for none); the test's cleanup ends it.
func startDemo(t *testing.T, prefix string, args ...string) (sock, line string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "aiotools")
	if out, err := exec.Command("go", "build", "-o", bin, "../aiotools").CombinedOutput(); err != nil {
		t.Fatalf("go build aiotools: %v\n%s", err, out)
	}
	sock = filepath.Join(dir, "demo.sock")
	base := []string{"demo", "-socket", sock, "-web", "off", "-every", "1h"}
	if slices.Contains(args, "-fleet") {
		base = []string{"demo"} // fleet mode takes -broker and -for only
	}
	cmd := exec.Command(bin, append(base, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() { // read all of it: the demo must never block on its output
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if prefix != "" && strings.HasPrefix(sc.Text(), prefix) {
				select {
				case lines <- sc.Text():
				default:
				}
			}
		}
	}()
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
	if prefix != "" {
		select {
		case line = <-lines:
		case <-time.After(20 * time.Second):
			t.Fatalf("the demo did not print %q", prefix)
		}
		return sock, line
	}
	tmuxtest.PollUntil(t, 20*time.Second, "the demo's socket", func() error {
		_, err := os.Stat(sock)
		return err
	})
	return sock, ""
}

// rowOf is the table line of a task on a screen.
func rowOf(screen, task string) string {
	re := regexp.MustCompile(`(?m)^[ >] (?:\S+ +)?` + regexp.QuoteMeta(task) + ` .*$`)
	return re.FindString(screen)
}

// aioctl top on a terminal, against the demo: the demo's services with
// their states, S stops the selected task (after a y) and the screen
// shows it at once, / and $ filter, q gives the terminal back as it was.
func TestTopInTmux(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	sock, _ := startDemo(t, "")
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

// aioctl --broker URL top against `aiotools demo --fleet 3`: a block per
// device, the rows of each, / keeps one device, S y stops a task of it.
func TestTopFleetInTmux(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	_, line := startDemo(t, "broker: ", "-fleet", "3")
	url := strings.TrimPrefix(line, "broker: ")
	s := tmuxtest.New(t, tmux, 110, 50, "TERM=xterm-256color "+bin+" --broker "+url+" top; echo EXIT=$?; read x")
	s.WaitFor("three devices online", func(sc string) bool {
		return strings.Count(sc, "[ ONLINE ]") == 3 && strings.Contains(sc, "3/3 devices") &&
			strings.Contains(sc, "demo-3 blink") && strings.Contains(sc, "DEVICE")
	})
	s.Literal("/demo-2")
	s.Keys("Enter")
	s.Literal("$blink")
	s.Keys("Enter")
	s.WaitFor("demo-2's blink only", func(sc string) bool {
		return strings.Contains(sc, "1/3 devices") && strings.Contains(rowOf(sc, "blink"), "demo-2") &&
			strings.Contains(rowOf(sc, "blink"), "RUNNING") && !strings.Contains(sc, "demo-1 blink")
	})
	s.Literal("S")
	s.WaitFor("the question", func(sc string) bool { return strings.Contains(tmuxtest.LastLine(sc), "stop blink on demo-2?") })
	s.Literal("y")
	s.WaitFor("blink stopped on demo-2", func(sc string) bool { return strings.Contains(rowOf(sc, "blink"), "STOPPED") })
	s.Literal("q")
	s.WaitFor("top's end", func(sc string) bool { return strings.Contains(sc, "EXIT=0") })
}

// SIGTERM (a service manager, kill) ends top with the terminal restored.
func TestTopSIGTERMRestoresTerminal(t *testing.T) {
	tmux := needTmux(t)
	bin := buildAioctl(t)
	sock, _ := startDemo(t, "")
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before"), filepath.Join(dir, "after")
	command := "stty -g > " + before + "; TERM=xterm-256color " + bin + " --socket " + sock + " top; echo EXIT=$?; stty -g > " + after +
		"; cmp -s " + before + " " + after + " && echo RESTORED || echo BROKEN; read x"
	s := tmuxtest.New(t, tmux, 100, 30, command)
	s.WaitFor("the table", func(sc string) bool { return strings.Contains(rowOf(sc, "blink"), "RUNNING") })
	shell := strings.TrimSpace(s.Run("list-panes", "-t", "t", "-F", "#{pane_pid}"))
	children, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil {
		t.Skip("no /proc children list:", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(children)))
	if err != nil {
		t.Fatalf("the shell's children: %q", children)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil { // aioctl top, which this test started
		t.Fatal(err)
	}
	sc := s.WaitFor("top's end", func(sc string) bool { return strings.Contains(sc, "RESTORED") || strings.Contains(sc, "BROKEN") })
	if !strings.Contains(sc, "RESTORED") || strings.Contains(sc, "SERVICE") {
		t.Errorf("after SIGTERM:\n%s", sc)
	}
}
