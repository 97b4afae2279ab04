package control_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

func exec(t *testing.T, p *program, line string, json bool) *control.Result {
	t.Helper()
	return p.in.ExecLine(ctxT(t), line, control.Options{JSON: json})
}

func code(r *control.Result) control.Code {
	if r.Err == nil {
		return ""
	}
	return r.Err.Code
}

func mustTask(t *testing.T, p *program, name string) *aioctl.Task {
	t.Helper()
	tk, ok := p.g.Get(name)
	if !ok {
		t.Fatalf("no task %s", name)
	}
	return tk
}

// TestBadCommandsChangeNothing: every malformed command is an error with a
// stable code, and no task changes state.
func TestBadCommandsChangeNothing(t *testing.T) {
	p := newProgram(t)
	before, _ := p.g.Status()
	cases := []struct {
		argv []string
		code control.Code
	}{
		{nil, control.CodeUnknownVerb},
		{[]string{"rm", "-rf"}, control.CodeUnknownVerb},
		{[]string{"STOP", "blink"}, control.CodeUnknownVerb},
		{[]string{"stop"}, control.CodeBadArgument},
		{[]string{"start"}, control.CodeBadArgument},
		{[]string{"delete"}, control.CodeBadArgument},
		{[]string{"stop", "../blink"}, control.CodeBadArgument},
		{[]string{"stop", "/etc/passwd"}, control.CodeBadArgument},
		{[]string{"stop", "blink;reboot"}, control.CodeBadArgument},
		{[]string{"stop", "bl ink"}, control.CodeBadArgument},
		{[]string{"stop", "blink\x1b[2J"}, control.CodeBadArgument},
		{[]string{"stop", "blink", "$(id)"}, control.CodeBadArgument},
		{[]string{"delete", ".hidden"}, control.CodeBadArgument},
		{[]string{"delete", "*", "--force"}, control.CodeBadArgument},
		{[]string{"stop", strings.Repeat("b", 300)}, control.CodeBadArgument},
		{[]string{"set", "args", "blink"}, control.CodeBadArgument},
		{[]string{"set", "args", "blink", "[1,2]"}, control.CodeBadArgument},
		{[]string{"set", "args", "blink", `{"pin": "two"}`}, control.CodeBadArgument},
		{[]string{"set", "args", "blink", `{"nope": 1}`}, control.CodeBadArgument},
		{[]string{"set", "args", "blink", `{"pin": 1`}, control.CodeBadArgument},
		{[]string{"set"}, control.CodeBadArgument},
		{[]string{"set", "argz", "blink", "{}"}, control.CodeUnknownVerb},
		{[]string{"debug", "on", "off"}, control.CodeBadArgument},
		{[]string{"status", "--lines", "many"}, control.CodeBadArgument},
		{[]string{"status", "--lines"}, control.CodeBadArgument},
		{[]string{"status", "--lines", "-5"}, control.CodeBadArgument}, // -1 is all; -5 was all too
		{[]string{"status", "--debug=yes"}, control.CodeBadArgument},
		{[]string{"status", "-d", "-d"}, control.CodeBadArgument},
		{[]string{"log", "a", "b"}, control.CodeBadArgument},
		{[]string{"log", "--level", "LOUD"}, control.CodeBadArgument},
		{[]string{"log", "--since", "yesterday"}, control.CodeBadArgument},
		{[]string{"log", "-E", "("}, control.CodeBadArgument},
		{[]string{"log", "--task", "../x"}, control.CodeBadArgument},
		{[]string{"follow"}, control.CodeStreamOnly},
		{[]string{"log", "-f"}, control.CodeStreamOnly},
		{[]string{"stop", "nosuch"}, control.CodeNotFound},
		{[]string{"services", "list"}, control.CodeNotAvailable},
		{[]string{"help", "frobnicate"}, control.CodeUnknownVerb},
		{[]string{"names", "passwords"}, control.CodeBadArgument},
	}
	for _, c := range cases {
		r := p.in.Exec(ctxT(t), c.argv, control.Options{})
		if code(r) != c.code || r.Exit == 0 {
			t.Errorf("%q: code %q exit %d, want %q (%v)", c.argv, code(r), r.Exit, c.code, r.Err)
		}
		if r.Err != nil && (r.Err.Message == "" || strings.Contains(r.Err.Message, "\n")) {
			t.Errorf("%q: message %q", c.argv, r.Err.Message)
		}
	}
	after, _ := p.g.Status()
	if len(after) != len(before) {
		t.Fatalf("tasks changed: %d -> %d", len(before), len(after))
	}
	for i := range after {
		if after[i].Name != before[i].Name || after[i].State != before[i].State || !after[i].Since.Equal(before[i].Since) {
			t.Errorf("task %s changed: %s -> %s", after[i].Name, before[i].State, after[i].State)
		}
	}
	a, _ := aioctl.Args[blinkArgs](mustTask(t, p, "blink"))
	if b, _ := json.Marshal(a); string(b) != `{"pin":2,"sleep":1000000000}` {
		t.Errorf("blink args changed: %s", b)
	}
}

func TestNotAvailable(t *testing.T) {
	g := aioctl.NewGroup()
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"log", "follow", "schedule list", "services list", "boot order"} {
		r := in.ExecLine(t.Context(), line, control.Options{})
		if code(r) != control.CodeNotAvailable || !strings.Contains(r.Err.Message, "no ") {
			t.Errorf("%s: %v", line, r.Err)
		}
	}
	if _, err := control.NewInterp(control.Components{}); err == nil {
		t.Errorf("NewInterp without a group: no error")
	}
}

func TestHelp(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "help", false)
	for _, v := range control.Verbs() {
		if !v.Hidden && !strings.Contains(r.Text, "  "+v.Name) {
			t.Errorf("help lacks %s", v.Name)
		}
	}
	if strings.Contains(r.Text, "names") {
		t.Errorf("help lists a hidden verb")
	}
	if r := exec(t, p, "help set args", false); !strings.Contains(r.Text, "usage: set args PATTERN JSON") ||
		!strings.Contains(r.Text, "examples:\n  set args blink") {
		t.Errorf("help set args: %q", r.Text)
	}
	if r := exec(t, p, "help services", false); !strings.Contains(r.Text, "services load") {
		t.Errorf("help services: %q", r.Text)
	}
	if r := exec(t, p, "help log", false); !strings.Contains(r.Text, "--follow, -f") {
		t.Errorf("help log: %q", r.Text)
	}
}

func TestPanicInAComponentIsAnError(t *testing.T) {
	// A verb whose component panics (a bug there) answers an internal
	// error instead of taking the program down.
	in, _ := control.NewInterp(control.Components{Group: aioctl.NewGroup()})
	r := control.PanicVerbForTest(in)
	if r.Err == nil || r.Err.Code != control.CodeInternal || !strings.Contains(r.Err.Message, "panic: boom") {
		t.Errorf("panicking verb: %+v", r.Err)
	}
}
