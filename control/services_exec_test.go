package control_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// waitState waits (bounded) for a task to reach state; exec services end
// on the operating system's time, not the fake clock's.
func (p *svcProgram) waitState(t *testing.T, task string, want aioctl.State) {
	t.Helper()
	tk, ok := p.g.Get(task)
	if !ok {
		t.Fatalf("no task %s", task)
	}
	select {
	case <-tk.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not end", task)
	}
	if st := tk.State(); st != want {
		t.Fatalf("%s: %v, want %v", task, st, want)
	}
}

// Issue 12 item 8: a stop by the user is not an error: an exec service
// stopped with stop shows stopped, without an error result.
func TestExecServiceStopIsNotAnError(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	up := filepath.Join(t.TempDir(), "up")
	if r := p.text(t, `services add sleeper '{"exec": {"argv": ["sh", "-c", "touch `+up+`; exec sleep 30"]}}'`); r.Err != nil {
		t.Fatal(r.Err)
	}
	pollUntil(t, 10*time.Second, "the command to run", func() error { _, err := os.Stat(up); return err })
	if r := p.text(t, "stop sleeper.service"); r.Err != nil {
		t.Fatalf("stop: %v", r.Err)
	}
	r := p.text(t, "status sleeper.service")
	if !strings.Contains(r.Text, "sleeper.service: status: stopped") || strings.Contains(r.Text, "killed") || strings.Contains(r.Text, "Error") {
		t.Errorf("status after a user stop:\n%s", r.Text)
	}
}

// No Go type names in results: a command that fails reads "exit status 3"
// or "killed by SIGTERM", as the shell says it.
func TestExecServiceResultsHaveNoGoTypeNames(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	for _, c := range []struct{ name, argv, want string }{
		{"three", `["sh", "-c", "exit 3"]`, "result: Error: exit status 3"},
		{"termed", `["sh", "-c", "kill -TERM $$"]`, "result: Error: killed by SIGTERM"},
	} {
		if r := p.text(t, `services add `+c.name+` '{"exec": {"argv": `+c.argv+`}, "restart": {"mode": "never"}}'`); r.Err != nil {
			t.Fatal(r.Err)
		}
		p.waitState(t, c.name+".service", aioctl.Error)
		r := p.text(t, "status "+c.name+".service")
		if !strings.Contains(r.Text, c.want) || strings.Contains(r.Text, "aioservice.") {
			t.Errorf("status of %s:\n%s\nwant %q", c.name, r.Text, c.want)
		}
		r = p.text(t, "traceback "+c.name+".service")
		if strings.Contains(r.Text, "aioservice.") || strings.Contains(r.Text, "ExitError") {
			t.Errorf("traceback of %s:\n%s", c.name, r.Text)
		}
	}
}
