package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

// The seed README's REPL session (/work/shared/seed/mpy-aiotools-README.md,
// "Example"), walked against the demo on a terminal, twice: with `aioctl
// shell` on the demo's socket, and with the demo's own console (the seed's
// aiorepl task). Each step checks what a person reads on the screen — the
// state words, names, results, arguments and schedule lines — not bytes.

// seedStep is one line typed at the prompt and what its answer must show.
type seedStep struct {
	line string   // typed at the prompt, then Enter
	want []string // each must be in the answer
	not  []string // none may be in the answer
}

// seedSession is the seed's session in our verbs. The demo's blink runs
// with {"pin": 2, "sleep": "2s"} and returns -pin when stopped (its
// on-stop callback); answer is done with 42.
var seedSession = []seedStep{
	// --> aioctl.status()
	{line: "status", want: []string{
		"● blink: status: running since", "● answer: status: done @", "--> result: 42",
		"● hello.service: status: running since",
	}, not: []string{"Task: main.blink"}},
	// --> aioctl.debug() / aioctl.status(): the function and its arguments.
	{line: "debug", want: []string{"debug mode on"}},
	{line: "status blink", want: []string{
		"● blink: status: running since", "Task: main.blink", `┗━► args: {"pin":2,"sleep":"2s"}`,
	}},
	// --> aioctl.stop("blink"): done, with its runtime and its on-stop result.
	{line: "stop blink", want: []string{"stopped: blink"}},
	{line: "status blink", want: []string{
		"● blink: status: stopped @", "--> result: -2", "┗━► runtime:", `"sleep":"2s"`,
	}},
	// --> aioctl.group().tasks["blink"].kwargs.update(sleep=3) (we: 1 s).
	{line: `set args blink '{"sleep": 1}'`, want: []string{"args set (used at the next start) for: blink"}},
	// --> aioctl.start("blink"): running again, with the new arguments.
	{line: "start blink", want: []string{"started: blink"}},
	{line: "status blink debug", want: []string{
		"● blink: status: running since", `┗━► args: {"pin":2,"sleep":"1s"}`,
	}},
	// --> aioctl.add(blink, 3, sleep=6): a second blink, blink_1, running.
	{line: `clone blink '{"sleep": 6}'`, want: []string{"cloned blink as blink_1 (running)"}},
	{line: "status blink_1", want: []string{
		"● blink_1: status: running since", "Task: main.blink", `┗━► args: {"pin":2,"sleep":"6s"}`,
	}},
	// Schedule a task at run time (the seed's aioschedule.schedule).
	{line: `schedule set answer '{"start_in": 1, "repeat": 2}'`, want: []string{
		"scheduled answer: start_in=1s repeat=2s; next in",
	}},
	{line: "schedule list", want: []string{"answer: start_in=1s repeat=2s", "world_task: start_in=5s repeat=10s"}},
	{line: "status answer", want: []string{
		"● answer: status:", "┗━► schedule: last @", "┗━► schedule opts: start_in=1s repeat=2s",
	}},
	// The watcher's report (the seed's aioservice.call("watcher")): its
	// counts, and the traceback of each failing task.
	{line: "services report", want: []string{"watcher:", "crash: panic x1", "main.crash(", "dofail: Error x1", "division by zero"}},

	// Debug mode toggles back off: status is short again.
	{line: "debug", want: []string{"debug mode off"}},
	{line: "status blink", want: []string{"● blink: status: running since"}, not: []string{"Task: main.blink"}},
}

// walkSeedSession types each step at the prompt of s and checks its
// answer: the lines the terminal printed after the step's command line,
// up to the next prompt (read from the whole scrollback, as a status of
// every task is longer than the screen).
func walkSeedSession(t *testing.T, s *tmuxtest.Session) {
	t.Helper()
	s.WaitPrompt("aioctl>")
	for _, st := range seedSession {
		before := len(historyLines(s)) - 1 // the prompt line, where the command goes
		s.Literal(st.line)
		s.WaitPrompt("aioctl> " + st.line)
		s.Keys("Enter")
		var answer string
		tmuxtest.PollUntil(t, 10*time.Second, "the answer to "+st.line, func() error {
			lines := historyLines(s)
			if len(lines) < before+2 || tmuxtest.LastLine(strings.Join(lines, "\n")) != "aioctl>" {
				return errNotYet(strings.Join(lines[max(0, before):], "\n"))
			}
			answer = strings.Join(lines[before+1:len(lines)-1], "\n")
			return nil
		})
		for _, w := range st.want {
			if !strings.Contains(answer, w) {
				t.Errorf("%s: the answer lacks %q:\n%s", st.line, w, answer)
			}
		}
		for _, n := range st.not {
			if strings.Contains(answer, n) {
				t.Errorf("%s: the answer has %q:\n%s", st.line, n, answer)
			}
		}
	}
}

// historyLines is the terminal's scrollback and screen, without the blank
// lines below the last one written.
func historyLines(s *tmuxtest.Session) []string {
	sc := s.Run("capture-pane", "-p", "-J", "-S", "-", "-t", "t")
	return strings.Split(strings.TrimRight(sc, "\n "), "\n")
}

// errNotYet says what the screen shows while an answer is awaited.
type errNotYet string

func (e errNotYet) Error() string { return "no prompt after the answer yet; so far:\n" + string(e) }

// The seed's session with aioctl shell, against a demo running apart
// (-every 1h: no status round comes between the answers).
func TestSeedSessionInAioctlShell(t *testing.T) {
	tmux := tmuxtest.Need(t)
	bin := buildAiotools(t)
	aioctl := filepath.Join(t.TempDir(), "aioctl")
	if out, err := exec.Command("go", "build", "-o", aioctl, "../aioctl").CombinedOutput(); err != nil {
		t.Fatalf("go build aioctl: %v\n%s", err, out)
	}
	sock := privateSocket(t)
	startDemo(t, bin, "demo", "-every", "1h", "-socket", sock)

	s := tmuxtest.New(t, tmux, 200, 50, "TERM=xterm-256color NO_COLOR=1 "+aioctl+" --socket "+sock+" shell")
	walkSeedSession(t, s)
	s.Literal("exit")
	s.Keys("Enter")
	s.WaitGone()
}

// The seed's session in the demo's own console (aiotools demo --console),
// as the seed ran it in its aiorepl task.
func TestSeedSessionInDemoConsole(t *testing.T) {
	tmux := tmuxtest.Need(t)
	bin := buildAiotools(t)
	s := tmuxtest.New(t, tmux, 200, 50, "TERM=xterm-256color NO_COLOR=1 "+bin+" demo --console -socket "+privateSocket(t))
	walkSeedSession(t, s)
	s.Keys("C-d") // stops the demo
	s.WaitGone()
}

// startDemo runs the aiotools binary with args until the test ends (then
// interrupts it, as Ctrl-C would, and waits for it), once it has printed
// its control socket: from then on the socket answers.
func startDemo(t *testing.T, bin string, args ...string) {
	t.Helper()
	w := &watchWriter{want: []string{"control socket: "}, ready: make(chan struct{})}
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("the demo did not stop within 20 s of an interrupt:\n%s", w.String())
		}
	})
	select {
	case <-w.ready:
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("the demo ended early: %v\n%s", err, w.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the demo never printed its control socket:\n%s", w.String())
	}
}
