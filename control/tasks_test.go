package control_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

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
	if r.Text != "blink: active\nanswer: inactive\ndofail: failed\n" { // group order, named (several asked)
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
