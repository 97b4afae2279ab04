package main

import (
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// aioctlIn runs aioctl in this process against p, as a user would type it.
func aioctlIn(t *testing.T, p *program, args ...string) outcome {
	t.Helper()
	t.Setenv("AIOCTL_SOCKET", p.sock)
	var out, errs strings.Builder
	code := run(args, strings.NewReader(""), &out, &errs)
	return outcome{out.String(), errs.String(), code}
}

// status debug blink reads debug as the flag word, as status blink debug
// does (it looked for a task named debug: exit 4).
func TestStatusTakesTheDebugWordFirst(t *testing.T) {
	p := startProgram(t, control.Config{})
	for _, args := range [][]string{{"status", "debug", "blink"}, {"status", "blink", "debug"}} {
		o := aioctlIn(t, p, args...)
		if o.exit != 0 || !strings.Contains(o.stdout, "● blink: status: running") || !strings.Contains(o.stdout, `args: {"pin":2}`) {
			t.Errorf("aioctl %q: exit %d\n%s%s", args, o.exit, o.stdout, o.stderr)
		}
	}
}
