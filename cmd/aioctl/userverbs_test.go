package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

type ledArgs struct {
	Color string `arg:"COLOR" help:"red, green or blue"`
	Times int    `arg:"TIMES,optional"`
}

// TestUserVerbFromTheCLI: a verb the program registered, which this
// binary was built without, runs as typed; help lists it; a typo of it
// gets a did-you-mean; real typos of built-in verbs still get theirs.
func TestUserVerbFromTheCLI(t *testing.T) {
	p := startProgram(t, control.Config{})
	err := p.srv.Interp().Register(control.UserVerb{Name: "led", Summary: "light the LED", Examples: []string{"led red  # red once"},
		Run: control.Func(func(_ context.Context, a ledArgs) (ledArgs, error) {
			if a.Color != "red" && a.Color != "green" && a.Color != "blue" {
				return a, control.BadArgument("COLOR: want red, green or blue, got " + a.Color)
			}
			return a, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AIOCTL_SOCKET", p.sock)
	aioctl := func(args ...string) (string, string, int) {
		var out, errs strings.Builder
		code := run(args, strings.NewReader(""), &out, &errs)
		return out.String(), errs.String(), code
	}
	for _, c := range []struct {
		args        []string
		out, errOut string
		exit        int
	}{
		{[]string{"led", "red", "3"}, "\"Color\": \"red\",\n  \"Times\": 3\n}\n", "", 0},
		{[]string{"led", "--", "blue"}, `"Color": "blue"`, "", 0},
		{[]string{"led", "pink"}, "", "COLOR: want red, green or blue, got pink (bad_argument)", 2},
		{[]string{"led", "red", "x"}, "", `led: TIMES: "x" is not an int (bad_argument)`, 2},
		{[]string{"led"}, "", "led: takes 1 to 2 arguments, got 0; usage: led COLOR [TIMES]", 2},
		{[]string{"ledd", "red"}, "", `unknown verb "ledd": did you mean "led"?`, 2},
		{[]string{"stauts"}, "", `did you mean "stats" or "status"?`, 2},
		{[]string{"frobnicate"}, "", `unknown verb "frobnicate": try help`, 2},
		{[]string{"help"}, "Verbs of this program (it registered them; aioctl sends them as typed):\n  led COLOR [TIMES]", "", 0},
		{[]string{"__complete", "le"}, "led\tlight the LED\n", "", 0},
		{[]string{"help", "led"}, "usage: led COLOR [TIMES]\n  light the LED\narguments (or one JSON object):\n  COLOR (string)  red, green or blue\n", "", 0},
	} {
		out, errOut, code := aioctl(c.args...)
		if !strings.Contains(out, c.out) || !strings.Contains(errOut, c.errOut) || code != c.exit {
			t.Errorf("aioctl %q: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, %q, %q", c.args, code, out, errOut, c.exit, c.out, c.errOut)
		}
	}
	out, _, code := aioctl("-o", "json", "led", `{"Color": "green", "Times": 2}`)
	var got ledArgs
	if err := json.Unmarshal([]byte(out), &got); err != nil || got != (ledArgs{"green", 2}) || code != 0 {
		t.Errorf("led as JSON: %v %q exit %d", err, out, code)
	}
	// The shell (a script on stdin) runs it and lists it too.
	var sout, serrs strings.Builder
	code = run([]string{"shell"}, strings.NewReader("led green\nhelp\n"), &sout, &serrs)
	if code != 0 || !strings.Contains(sout.String(), `"Color": "green"`) || !strings.Contains(sout.String(), "this program's verbs:\n  led COLOR [TIMES]") {
		t.Errorf("shell: exit %d\n%s\n%s", code, sout.String(), serrs.String())
	}
}
