package control_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
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

func TestStatusTextAndExitCodes(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "status", false)
	if r.Err != nil || r.Exit != 0 {
		t.Fatalf("status: exit %d err %v", r.Exit, r.Err)
	}
	for _, want := range []string{
		"● blink: status: running since ",
		"[INFO] [blink] LED toggled pin=2",
		"● answer: status: done @ ",
		"--> result: 42",
		"● dofail: status: ERROR @ ",
		"result: Error: division by zero",
		"● hello: status: running",
		"● hello_1: status: running",
		aioctl.Separator,
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("status text lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "\x1b[") {
		t.Errorf("status text has colour codes without Color")
	}
	cases := []struct {
		line string
		exit int
		code control.Code
	}{
		{"status blink", 0, ""},
		{"status hello*", 0, ""},
		{"status answer", 3, ""},
		{"status blink answer", 3, ""},
		{"status nosuch", 4, control.CodeNotFound},
		{"status blink nosuch", 4, control.CodeNotFound},
		{"is-active blink", 0, ""},
		{"is-active dofail", 3, ""},
		{"is-active nosuch*", 4, control.CodeNotFound},
	}
	for _, c := range cases {
		r := exec(t, p, c.line, false)
		if r.Exit != c.exit || code(r) != c.code {
			t.Errorf("%s: exit %d code %q, want %d %q", c.line, r.Exit, code(r), c.exit, c.code)
		}
	}
	r = exec(t, p, "status blink nosuch", false)
	if !strings.Contains(r.Text, "● blink:") || !strings.Contains(r.Err.Message, `no task matches "nosuch"`) {
		t.Errorf("partial status: text %q err %v", r.Text, r.Err)
	}
	r = exec(t, p, "is-active blink dofail answer", false)
	if r.Text != "active\ninactive\nfailed\n" { // group order
		t.Errorf("is-active text %q", r.Text)
	}
}

func TestStatusColorAndDebug(t *testing.T) {
	p := newProgram(t)
	r := p.in.Exec(ctxT(t), []string{"status", "blink"}, control.Options{Color: true})
	if !strings.Contains(r.Text, "\x1b[32m●\x1b[0m blink") {
		t.Errorf("running task not green: %q", r.Text)
	}
	for _, line := range []string{"status blink debug", "status --debug blink", "status -d blink"} {
		r = exec(t, p, line, false)
		if !strings.Contains(r.Text, "┗━► args: {\"pin\":2,\"sleep\":\"1s\"}") || !strings.Contains(r.Text, "    Task: ") {
			t.Errorf("%s: no debug detail:\n%s", line, r.Text)
		}
	}
	r = exec(t, p, "status dofail --debug -n 1", false)
	if !strings.Contains(r.Text, "traceback: Error: division by zero") {
		t.Errorf("no traceback in debug status:\n%s", r.Text)
	}
	if p.g.Debug() {
		t.Errorf("status debug changed the group's debug mode")
	}
}

func TestStatusJSON(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "status hello*", true)
	sts, ok := r.Data.([]aioctl.TaskStatus)
	if !ok || len(sts) != 2 || sts[0].Name != "hello" || sts[1].Name != "hello_1" || sts[0].State != aioctl.Running {
		t.Fatalf("status data %#v", r.Data)
	}
	if r.Text != "" {
		t.Errorf("JSON result also has text")
	}
	b, err := json.Marshal(r.Data)
	if err != nil || !strings.Contains(string(b), `"state":"running"`) {
		t.Errorf("status JSON %s %v", b, err)
	}
}

func TestActionVerbs(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "stop blink", false)
	if r.Err != nil || r.Text != "stopped: blink\n" {
		t.Fatalf("stop: %q %v", r.Text, r.Err)
	}
	if st := mustTask(t, p, "blink").State(); st != aioctl.Stopped {
		t.Fatalf("blink is %s after stop", st)
	}
	r = exec(t, p, "result blink answer", true)
	res := r.Data.([]control.ResultData)
	if string(res[0].Result) != "-2" || string(res[1].Result) != "42" || res[1].Text != "42" {
		t.Errorf("result data %+v", res)
	}
	if r := exec(t, p, "result answer", false); r.Text != "answer: 42\n" {
		t.Errorf("result text %q", r.Text)
	}
	r = exec(t, p, `set args blink {"pin": 5}`, false)
	if r.Err != nil || !strings.Contains(r.Text, "blink") {
		t.Fatalf("set args: %q %v", r.Text, r.Err)
	}
	r = exec(t, p, "start blink", false)
	if r.Err != nil || r.Text != "started: blink\n" {
		t.Fatalf("start: %q %v", r.Text, r.Err)
	}
	<-p.ticks
	if r := exec(t, p, "start blink", false); r.Text != "nothing started (already running)\n" {
		t.Errorf("second start: %q", r.Text)
	}
	if r := exec(t, p, "log --task blink -n 1", false); !strings.Contains(r.Text, "LED toggled pin=5") {
		t.Errorf("new args not used: %q", r.Text)
	}
	r = exec(t, p, "restart hello*", false)
	if r.Err != nil || r.Text != "restarted: hello, hello_1\n" {
		t.Errorf("restart: %q %v", r.Text, r.Err)
	}
	r = exec(t, p, "traceback", true)
	tb := r.Data.([]control.TracebackData)
	if len(tb) != 1 || tb[0].Name != "dofail" || !strings.Contains(tb[0].Traceback, "division by zero") {
		t.Errorf("traceback %+v", tb)
	}
	if r := exec(t, p, "traceback blink", false); !strings.Contains(r.Text, "no traceback") {
		t.Errorf("traceback of a fine task: %q", r.Text)
	}
	r = exec(t, p, "delete hello_1", false)
	if r.Err != nil || r.Text != "deleted: hello_1\n" {
		t.Errorf("delete: %q %v", r.Text, r.Err)
	}
	if _, ok := p.g.Get("hello_1"); ok {
		t.Errorf("hello_1 still there")
	}
	if r := exec(t, p, "names", true); !slices.Equal(r.Data.([]string), []string{"blink", "answer", "dofail", "hello"}) {
		t.Errorf("names %v", r.Data)
	}
}

func TestDebugVerb(t *testing.T) {
	p := newProgram(t)
	if r := exec(t, p, "debug", false); r.Text != "debug mode on\n" || !p.g.Debug() {
		t.Errorf("toggle: %q", r.Text)
	}
	if r := exec(t, p, "status blink", false); !strings.Contains(r.Text, "┗━► args:") {
		t.Errorf("status not in debug mode")
	}
	if r := exec(t, p, "debug off", true); r.Data.(control.DebugData).Debug || p.g.Debug() {
		t.Errorf("debug off: %+v", r.Data)
	}
	if r := exec(t, p, "debug maybe", false); code(r) != control.CodeBadArgument || p.g.Debug() {
		t.Errorf("debug maybe: %v", r.Err)
	}
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

func TestLogVerb(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "log", false)
	if !strings.Contains(r.Text, "[blink] LED toggled") || !strings.Contains(r.Text, "[dofail] about to fail") {
		t.Errorf("log: %q", r.Text)
	}
	if r := exec(t, p, "log LED", false); strings.Contains(r.Text, "dofail") || !strings.Contains(r.Text, "LED") {
		t.Errorf("log LED: %q", r.Text)
	}
	if r := exec(t, p, "log --level ERROR", false); strings.Contains(r.Text, "LED") || !strings.Contains(r.Text, "[ERROR] [dofail]") {
		t.Errorf("log --level: %q", r.Text)
	}
	if r := exec(t, p, "log -t dofail -n 1", true); len(r.Data.([]aiolog.Line)) != 1 || r.Data.([]aiolog.Line)[0].Task != "dofail" {
		t.Errorf("log -t -n json: %+v", r.Data)
	}
	if r := exec(t, p, `log -E "LED t.ggled"`, false); !strings.Contains(r.Text, "LED toggled") {
		t.Errorf("log -E: %q %v", r.Text, r.Err)
	}
	if r := exec(t, p, "log --since 1h --until 2099-01-01", false); !strings.Contains(r.Text, "LED") {
		t.Errorf("log since/until: %q %v", r.Text, r.Err)
	}
	if r := exec(t, p, "log --since 2099-01-01", false); r.Text != "" || r.Err != nil {
		t.Errorf("log since future: %q %v", r.Text, r.Err)
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
	if r := exec(t, p, "help set args", false); !strings.Contains(r.Text, "usage: set args PATTERN JSON") {
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
