package aioservice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

type rec struct {
	task, msg, stream string
}

// capture is a slog handler that keeps the records and signals each message.
type capture struct {
	mu    *sync.Mutex
	recs  *[]rec
	seen  chan string
	attrs []slog.Attr
}

func newCapture() *capture {
	return &capture{mu: &sync.Mutex{}, recs: &[]rec{}, seen: make(chan string, 1000)}
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	x := rec{msg: r.Message}
	f := func(a slog.Attr) bool {
		switch a.Key {
		case aioctl.TaskKey:
			x.task = a.Value.String()
		case "stream":
			x.stream = a.Value.String()
		}
		return true
	}
	for _, a := range c.attrs {
		f(a)
	}
	r.Attrs(f)
	c.mu.Lock()
	*c.recs = append(*c.recs, x)
	c.mu.Unlock()
	select {
	case c.seen <- x.msg:
	default:
	}
	return nil
}

func (c *capture) WithAttrs(as []slog.Attr) slog.Handler {
	d := *c
	d.attrs = append(slices.Clip(c.attrs), as...)
	return &d
}

func (c *capture) WithGroup(string) slog.Handler { return c }

func (c *capture) records() []rec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(*c.recs)
}

// logged reports whether a record with message msg was logged.
func (c *capture) logged(msg string) bool {
	for _, r := range c.records() {
		if r.msg == msg {
			return true
		}
	}
	return false
}

// waitFor waits until a record with message msg was logged.
func (c *capture) waitFor(t *testing.T, msg string) {
	t.Helper()
	timeout := time.After(10 * time.Second) // a bound for a broken test, not a synchronisation
	for {
		select {
		case m := <-c.seen:
			if m == msg {
				return
			}
		case <-timeout:
			t.Fatalf("no log line %q; got %+v", msg, c.records())
		}
	}
}

func execGroup() (*aioctl.Group, *capture) {
	c := newCapture()
	return aioctl.NewGroup(aioctl.WithLogger(slog.New(c))), c
}

func runExec(t *testing.T, a ExecArgs) (*aioctl.Task, *capture) {
	t.Helper()
	g, c := execGroup()
	task := aioctl.MustAdd(g, RunCommand, a, aioctl.WithName("sh.service"), aioctl.WithStopTimeout(10*time.Second))
	t.Cleanup(func() { g.Close(context.Background()) })
	return task, c
}

func TestExecOutputLineByLine(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", `echo one; printf 'two\nthree'; echo oops >&2; head -c 20000 /dev/zero | tr '\0' x`}})
	<-task.Done()
	if task.State() != aioctl.Done || task.Result() != 0 {
		t.Fatalf("state %v result %v err %v", task.State(), task.Result(), task.Err())
	}
	recs := c.records()
	var stdout []string
	for _, r := range recs {
		if r.task != "sh.service" {
			t.Errorf("record %+v is not under the service's name", r)
		}
		if r.stream == "stderr" {
			if r.msg != "oops" {
				t.Errorf("stderr line %q", r.msg)
			}
			continue
		}
		stdout = append(stdout, r.msg)
	}
	long := strings.Repeat("x", 20000)
	want := []string{"one", "two", "three" + long[:maxLine-5], long[maxLine-5:]}
	if !slices.Equal(stdout, want) {
		t.Errorf("stdout lines: %d, want %d (%q…)", len(stdout), len(want), stdout)
	}
}

func TestExecExitCodes(t *testing.T) {
	task, _ := runExec(t, ExecArgs{Argv: []string{"sh", "-c", "exit 3"}})
	<-task.Done()
	var ee *ExitError
	if task.State() != aioctl.Error || !errors.As(task.Err(), &ee) || ee.Code != 3 || ee.Error() != "exit status 3" {
		t.Errorf("state %v err %v", task.State(), task.Err())
	}
	task, _ = runExec(t, ExecArgs{Argv: []string{"true"}})
	<-task.Done()
	if task.State() != aioctl.Done || task.Result() != 0 {
		t.Errorf("true: state %v result %v", task.State(), task.Result())
	}
	task, _ = runExec(t, ExecArgs{Argv: []string{"no-such-command-aiotools"}})
	<-task.Done()
	if task.State() != aioctl.Error || !strings.Contains(fmt.Sprint(task.Err()), "executable file not found") {
		t.Errorf("missing command: state %v err %v", task.State(), task.Err())
	}
	if _, err := RunCommand(t.Context(), ExecArgs{}); err == nil {
		t.Error("RunCommand with no command succeeded")
	}
}

func TestExecStopSendsSIGTERM(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", `echo ready; while :; do sleep 0.05; done`}, KillAfter: Duration(10 * time.Second)})
	c.waitFor(t, "ready")
	if _, err := task.Group().Stop(t.Context(), "sh.service"); err != nil {
		t.Fatal(err)
	}
	// A stop is no failure (issue 12 item 8): no error; the log says how.
	if task.State() != aioctl.Stopped || task.Err() != nil || !c.logged("stopped: killed by SIGTERM") {
		t.Errorf("state %v err %v log %v, want stopped, no error, logged killed by SIGTERM", task.State(), task.Err(), c.records())
	}
}

func TestExecTrappedTERMGetsSIGKILL(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", `trap '' TERM; echo ready; while :; do sleep 0.05; done`}, KillAfter: Duration(200 * time.Millisecond)})
	c.waitFor(t, "ready")
	if _, err := task.Group().Stop(t.Context(), "sh.service"); err != nil {
		t.Fatal(err)
	}
	if task.State() != aioctl.Stopped || task.Err() != nil || !c.logged("stopped: killed by SIGKILL") {
		t.Errorf("state %v err %v log %v, want stopped, no error, logged killed by SIGKILL", task.State(), task.Err(), c.records())
	}
}

func TestExecTrappedTERMExitsCleanly(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", `trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.05; done`}})
	c.waitFor(t, "ready")
	if _, err := task.Group().Stop(t.Context(), "sh.service"); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "bye")
	if task.State() != aioctl.Stopped {
		t.Errorf("state %v err %v", task.State(), task.Err())
	}
}

func TestExecServiceFromConfig(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	path := filepath.Join(dir, "services.config")
	writeFile(t, path, `{
  "probe": {"exec": {"argv": ["sh", "-c", "echo $GREETING; pwd"], "dir": "${WORK}", "env": {"GREETING": "hi ${WHO}"}},
            "type": "core.service", "info": "probe the box"},
  "ghost": {"exec": {"argv": ["no-such-command-aiotools"]}},
  "loop":  {"exec": {"argv": ["sh", "-c", "echo up; while :; do sleep 0.05; done"]}, "stop_timeout": 2,
            "restart": {"mode": "on-failure"}, "requires": ["probe"]}
}`)
	env := map[string]string{"WORK": work, "WHO": "there"}
	g, c := execGroup()
	out := &syncBuffer{}
	m := NewManager(g, NewRegistry(), WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }), WithConfigFile(path), WithOutput(out))
	err := m.Up(t.Context())
	if err == nil || !strings.Contains(err.Error(), "ghost.service") {
		t.Errorf("Up = %v, want ghost's load error", err)
	}
	c.waitFor(t, "up")
	want := []string{
		"[ OK ] Service: probe.service from " + path + ":2 loaded",
		`[ ERROR ] Service: ghost.service from ` + path + `:4 not loaded: Error: exec: "no-such-command-aiotools": executable file not found in $PATH`,
		"[ OK ] Service: loop.service from " + path + ":5 loaded",
		"[ OK ] Priority core services solved...",
		"[ Booting ] Order: --> probe",
		"[ OK ] Booting probe.service...",
		"[ OK ] probe.service 0",
		"[ OK ] Starting loop.service...",
	}
	if got := out.Lines(); !slices.Equal(got, want) {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var msgs []string
	for _, r := range c.records() {
		if r.task == "probe.service" {
			msgs = append(msgs, r.msg)
		}
	}
	if !slices.Equal(msgs, []string{"hi there", work}) {
		t.Errorf("probe output = %q", msgs)
	}
	loop, _ := g.Get("loop.service")
	sts, _ := g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "loop.service")
	if sts[0].Service == nil || sts[0].Service.Description != "exec: sh -c echo up; while :; do sleep 0.05; done" || sts[0].Restart != aioctl.OnFailure {
		t.Errorf("loop status = %+v %+v", sts[0], sts[0].Service)
	}
	if err := m.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if loop.State() != aioctl.Stopped {
		t.Errorf("loop is %v after Close", loop.State())
	}
}

// An exec entry with a schedule and no type is a schedule.service: it runs
// on its schedule, not at once.
func TestExecServiceWithScheduleRunsOnIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	writeFile(t, path, `{"hello": {"exec": {"argv": ["sh", "-c", "echo hello"]}, "schedule": {"start_in": 3600}}}`)
	g, _ := execGroup()
	out := &syncBuffer{}
	m := NewManager(g, NewRegistry(), WithConfigFile(path), WithOutput(out))
	defer m.Close(context.Background())
	if err := m.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.Lines(), "[ OK ] Scheduling hello.service: start_in=1h0m0s") {
		t.Fatalf("not scheduled:\n%s", strings.Join(out.Lines(), "\n"))
	}
	task, ok := g.Get("hello.service")
	if !ok || task.State() != aioctl.Scheduled {
		t.Fatalf("hello.service ran at once (state %v)", task.State())
	}
	if l := m.List(); len(l) != 1 || l[0].Type != Schedule {
		t.Fatalf("list %+v", l)
	}
}

// A command that leaves a background child holding its output ends when
// the command exits, with the command's status.
func TestExecBackgroundChildDoesNotHoldTheService(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", "sleep 30 & echo started"}, KillAfter: Duration(3 * time.Second)})
	start := time.Now()
	<-task.Done()
	if task.State() != aioctl.Done || task.Result() != 0 {
		t.Errorf("state %v result %v err %v", task.State(), task.Result(), task.Err())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the service ended %v after its command", d)
	}
	if recs := c.records(); len(recs) != 1 || recs[0].msg != "started" {
		t.Errorf("records %+v", recs)
	}
}
