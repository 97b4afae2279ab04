// The examples are programs a newcomer runs; these tests build each one,
// run it briefly as a user would (flags, the control socket through the
// Go client, stdin for the console), and check what the example's
// comment promises.
package examples_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
)

// examples are the example programs, each a directory here.
var examples = []string{"blink", "callbacks", "schedule", "services", "exec", "console", "fetch"}

// boards are the examples for a microcontroller (TinyGo): no control
// socket, so they test themselves (go test ./examples/pico) and are only
// checked here for their documentation.
var boards = []string{"pico"}

func TestMain(m *testing.M) {
	code := m.Run()
	if dir := binDir.Load(); dir != nil {
		os.RemoveAll(*dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: errors on successful test run:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// binDir holds the built examples, once they are.
var binDir atomic.Pointer[string]

// buildAll builds every example with one go build (in parallel, cached).
var buildAll = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "aiotools-examples-")
	if err != nil {
		return "", err
	}
	binDir.Store(&dir)
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, e := range examples {
		args = append(args, "./"+e)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, nil
})

func binary(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the examples")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the examples with")
	}
	dir, err := buildAll()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// lockedBuffer collects a program's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// A prog is an example program the test started.
type prog struct {
	cmd  *exec.Cmd
	out  *lockedBuffer // stdout and stderr
	done chan struct{} // closed when it has exited; err is then set
	err  error
	sock string
}

// start runs example name with a control socket in a private directory
// and args; stdin nil means an open pipe nobody writes to (a terminal
// where nobody types). The test's cleanup kills it if it still runs.
func start(t *testing.T, name string, stdin io.Reader, args ...string) *prog {
	t.Helper()
	bin := binary(t, name)
	dir := filepath.Join(t.TempDir(), "run") // short enough for a unix socket
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := &prog{out: &lockedBuffer{}, done: make(chan struct{}), sock: filepath.Join(dir, name+".sock")}
	p.cmd = exec.Command(bin, append([]string{"-socket", p.sock}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if stdin == nil {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		defer r.Close() // the child has its copy
		p.cmd.Stdin = r
	} else {
		p.cmd.Stdin = stdin
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill() // only this test's own child
			<-p.done
		}
	})
	return p
}

// exited waits, at most timeout, for p to end by itself, and fails the
// test unless it exited with status 0.
func (p *prog) exited(t *testing.T, timeout time.Duration) string {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s still running after %v; output:\n%s", p.cmd.Path, timeout, p.out)
	}
	if p.err != nil {
		t.Fatalf("%s: %v; output:\n%s", p.cmd.Path, p.err, p.out)
	}
	return p.out.String()
}

// interrupt sends SIGINT (Ctrl-C) and waits for a clean exit.
func (p *prog) interrupt(t *testing.T) string {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	return p.exited(t, 20*time.Second)
}

// client connects to p's control socket, waiting (bounded) for p to open it.
func (p *prog) client(t *testing.T) *client.Client {
	t.Helper()
	cl, err := client.New(client.Options{Socket: p.sock, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	p.until(t, "the control socket answers", func() error {
		_, err := cl.Exec(t.Context(), []string{"names", "tasks"}, api.Options{})
		return err
	})
	return cl
}

// until calls check until it returns nil, for at most 20 s: for a program
// in another process, which gives the test no event to wait on. It fails
// at once if the program has exited.
func (p *prog) until(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	pause := time.Millisecond
	for {
		err := check()
		if err == nil {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("%s: the program exited (%v) before; output:\n%s", what, p.err, p.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after 20s: %v; output:\n%s", what, err, p.out)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// task returns the status of one task.
func task(ctx context.Context, cl *client.Client, name string) (api.TaskStatus, error) {
	sts, err := cl.Status(ctx, name)
	if err != nil {
		return api.TaskStatus{}, err
	}
	if len(sts) != 1 {
		return api.TaskStatus{}, fmt.Errorf("status %s: %d tasks", name, len(sts))
	}
	return sts[0], nil
}

// inState is a check that task name is in state (and, when result is not
// "", has that result).
func inState(ctx context.Context, cl *client.Client, name, state, result string) func() error {
	return func() error {
		st, err := task(ctx, cl, name)
		if err != nil {
			return err
		}
		if st.State != state || (result != "" && st.ResultText != result) {
			return fmt.Errorf("%s: state %s, result %q; want %s %q", name, st.State, st.ResultText, state, result)
		}
		return nil
	}
}

func run(t *testing.T, cl *client.Client, argv ...string) string {
	t.Helper()
	resp, err := cl.Exec(t.Context(), argv, api.Options{})
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return resp.Text
}

// configFlags are the flags an example needs when run from this
// directory rather than from the repository's root.
func configFlags(name string) []string {
	if name == "services" || name == "exec" {
		return []string{"-c", filepath.Join(name, "services.config")}
	}
	return nil
}

// Every example ends by itself, with status 0, once -for has passed, after
// saying where its control socket is.
func TestEveryExampleEndsByItselfAfterFor(t *testing.T) {
	for _, name := range examples {
		t.Run(name, func(t *testing.T) {
			p := start(t, name, nil, append(configFlags(name), "-for", "300ms")...)
			out := p.exited(t, 20*time.Second)
			if !strings.Contains(out, "control socket: "+p.sock) {
				t.Fatalf("no control socket line; output:\n%s", out)
			}
		})
	}
}

// blink: status shows it running; aioctl stop and start steer it; Ctrl-C
// ends the program cleanly.
func TestBlinkSteeredThroughTheSocket(t *testing.T) {
	p := start(t, "blink", nil, "-for", "2m")
	cl := p.client(t)
	ctx := t.Context()
	if err := inState(ctx, cl, "blink", "running", "")(); err != nil {
		t.Fatal(err)
	}
	if text := run(t, cl, "status"); !strings.Contains(text, "● blink: status: running since") {
		t.Fatalf("status:\n%s", text)
	}
	run(t, cl, "stop", "blink")
	if err := inState(ctx, cl, "blink", "stopped", "")(); err != nil {
		t.Fatal(err)
	}
	run(t, cl, "set", "args", "blink", `{"sleep": "500ms"}`)
	run(t, cl, "start", "blink")
	if err := inState(ctx, cl, "blink", "running", "")(); err != nil {
		t.Fatal(err)
	}
	p.until(t, "blink logs its LED", func() error {
		if text := run(t, cl, "log", "LED 2 toggled"); !strings.Contains(text, "[blink] LED 2 toggled!") {
			return fmt.Errorf("log: %q", text)
		}
		return nil
	})
	if out := p.interrupt(t); !strings.Contains(out, "● blink: status: stopped") {
		t.Fatalf("no final status; output:\n%s", out)
	}
}

// callbacks: the on-error callback's value is the failed task's result,
// and the on-stop callback's the stopped one's.
func TestCallbacksGiveTheResults(t *testing.T) {
	p := start(t, "callbacks", nil, "-for", "2m")
	cl := p.client(t)
	ctx := t.Context()
	p.until(t, "sensor fails", inState(ctx, cl, "sensor", "error", "-273.15"))
	if tb := run(t, cl, "traceback", "sensor"); !strings.Contains(tb, "sensor: no reply on the bus") {
		t.Fatalf("traceback sensor:\n%s", tb)
	}
	run(t, cl, "stop", "blink")
	if err := inState(ctx, cl, "blink", "stopped", "LED 2 off")(); err != nil {
		t.Fatal(err)
	}
	p.interrupt(t)
}

// schedule: world runs at once and again every 5 s, hello waits for its
// delay, backup for the next minute; schedule list shows all three.
func TestScheduleRunsOnTimers(t *testing.T) {
	p := start(t, "schedule", nil, "-for", "2m")
	cl := p.client(t)
	ctx := t.Context()
	p.until(t, "world ran", func() error {
		st, err := task(ctx, cl, "world")
		if err != nil {
			return err
		}
		if st.Schedule == nil || st.Schedule.Last.IsZero() || st.Schedule.Next.IsZero() || st.ResultText != "world" {
			return fmt.Errorf("world: %+v, schedule %+v", st, st.Schedule)
		}
		return nil
	})
	backup, err := task(ctx, cl, "backup")
	if err != nil {
		t.Fatal(err)
	}
	if backup.Schedule == nil || backup.Schedule.Next.Second() != 0 || backup.Schedule.Next.Before(time.Now().Add(-time.Second)) {
		t.Fatalf("backup's next run is not at a coming minute: %+v", backup.Schedule)
	}
	hello, err := task(ctx, cl, "hello")
	if err != nil {
		t.Fatal(err)
	}
	if hello.Schedule == nil || (hello.Schedule.Next.IsZero() && hello.Schedule.Last.IsZero()) {
		t.Fatalf("hello is not on its schedule: %+v", hello)
	}
	list := run(t, cl, "schedule", "list")
	for _, name := range []string{"hello", "world", "backup"} {
		if !strings.Contains(list, name) {
			t.Fatalf("schedule list lacks %s:\n%s", name, list)
		}
	}
	p.interrupt(t)
}

// services: the core service is booted first and done; the dependant
// runs with the arguments of services.config.
func TestServicesBootInOrderWithTheConfig(t *testing.T) {
	p := start(t, "services", nil, "-c", "services/services.config", "-for", "2m")
	cl := p.client(t)
	ctx := t.Context()
	p.until(t, "hello.service runs", inState(ctx, cl, "hello.service", "running", ""))
	if err := inState(ctx, cl, "network.service", "done", "192.168.1.42")(); err != nil {
		t.Fatal(err)
	}
	if text := run(t, cl, "status", "hello.service", "debug"); !strings.Contains(text, `"pin":3`) {
		t.Fatalf("hello.service does not run with the config's pin 3:\n%s", text)
	}
	out := p.interrupt(t)
	network, hello := strings.Index(out, "Booting network.service"), strings.Index(out, "Starting hello.service")
	if network < 0 || hello < network {
		t.Fatalf("network is not booted before hello starts; output:\n%s", out)
	}
}

// exec: the commands of services.config run as services, their output in
// the log under their names.
func TestExecServicesFromTheConfig(t *testing.T) {
	p := start(t, "exec", nil, "-c", "exec/services.config", "-for", "2m")
	cl := p.client(t)
	ctx := t.Context()
	p.until(t, "ticker.service runs", inState(ctx, cl, "ticker.service", "running", ""))
	p.until(t, "ticker's lines are logged", func() error {
		if text := run(t, cl, "log", "tick 1"); !strings.Contains(text, "[ticker.service] tick 1") {
			return fmt.Errorf("log: %q", text)
		}
		return nil
	})
	p.until(t, "now runs on its schedule", func() error {
		if text := run(t, cl, "log", "now:"); !strings.Contains(text, "[now.service] now: ") {
			return fmt.Errorf("log: %q", text)
		}
		return nil
	})
	names := run(t, cl, "services", "list")
	if !strings.Contains(names, "ticker") || !strings.Contains(names, "now") {
		t.Fatalf("services list:\n%s", names)
	}
	p.interrupt(t)
}

// console: commands piped to stdin run in the program, in order, and
// print their answers without prompts (there is no one to prompt); exit
// ends it.
func TestConsoleOnStdin(t *testing.T) {
	in := "status\nstop blink\nstatus blink\nnosuchverb\nexit\n"
	p := start(t, "console", strings.NewReader(in), "-for", "2m")
	out := p.exited(t, 20*time.Second)
	if strings.Contains(out, "aioctl>") {
		t.Errorf("prompts printed for a pipe:\n%s", out)
	}
	want := []string{
		"● blink: status: running since",
		"● repl: status: running since",
		"● blink: status: stopped @",
		"unknown_verb",
	}
	at := 0
	for _, w := range want {
		i := strings.Index(out[at:], w)
		if i < 0 {
			t.Fatalf("output lacks %q after byte %d:\n%s", w, at, out)
		}
		at += i + len(w)
	}
}

// The console program also ends on Ctrl-C while it waits for a line.
func TestConsoleEndsOnInterrupt(t *testing.T) {
	p := start(t, "console", nil, "-for", "2m")
	p.client(t) // it is up
	p.interrupt(t)
}

// fetch: temp's requests answer; slow's never does, and a stop cancels it
// at once (the task's context is the request's).
func TestFetchStopCancelsTheRequest(t *testing.T) {
	p := start(t, "fetch", nil, "-for", "2m")
	cl := p.client(t)
	p.until(t, "temp logs the temperature", func() error {
		if text := run(t, cl, "log", "temperature"); !strings.Contains(text, "[temp] temperature 21.5") {
			return fmt.Errorf("log: %q", text)
		}
		return nil
	})
	if err := inState(t.Context(), cl, "slow", "running", "")(); err != nil {
		t.Fatal(err)
	}
	if text := run(t, cl, "stop", "slow"); text != "stopped: slow\n" {
		t.Fatalf("stop slow: %q", text)
	}
	if text := run(t, cl, "log", "-t", "slow"); !strings.Contains(text, "request ended: ") || !strings.Contains(text, "context canceled") {
		t.Fatalf("log -t slow: %q", text)
	}
	p.interrupt(t)
}

// Every example has its paragraph in examples/README.md and its line in
// the main README.
func TestEveryExampleIsDocumented(t *testing.T) {
	local, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	top, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Concat(examples, boards) {
		if !bytes.Contains(local, []byte("## "+name)) {
			t.Errorf("examples/README.md has no section for %s", name)
		}
		if !bytes.Contains(top, []byte("go run ./examples/"+name)) && !bytes.Contains(top, []byte("examples/"+name)) {
			t.Errorf("README.md does not list examples/%s", name)
		}
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "run" && e.Name() != "systemd" && e.Name() != "testdata" && !slices.Contains(examples, e.Name()) && !slices.Contains(boards, e.Name()) {
			t.Errorf("examples/%s is not in the test's list of examples", e.Name())
		}
	}
}
