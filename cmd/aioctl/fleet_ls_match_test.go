package main

import (
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
)

// TestFleetLsPatternLikeDevice: `fleet ls PATTERN` treats a pattern as
// --device does: a bad one is a usage error (exit 2) and one that matches no
// device is not_found (exit 4), so a script can tell "none" from "listed".
// A broker with no device at all, without a pattern, is still exit 0.
func TestFleetLsPatternLikeDevice(t *testing.T) {
	url := startFleet(t, 1)
	for _, c := range []struct {
		args []string
		code int
		errs string
	}{
		{[]string{"fleet", "ls", "zzz*"}, 4, `no device matches "zzz*"`},
		{[]string{"fleet", "ls", "["}, 2, "bad pattern"},
		{[]string{"-o", "json", "fleet", "ls", "zzz*"}, 4, ""},
		{[]string{"fleet", "ls", "demo-*"}, 0, ""},
	} {
		out, errs, code := aioctlRun(append([]string{"--broker", url}, c.args...)...)
		if code != c.code || !strings.Contains(errs+out, c.errs) {
			t.Errorf("%q: exit %d, want %d with %q\n%s\n%s", c.args, code, c.code, c.errs, out, errs)
		}
	}
}

// fleet log -f says lost lines as the log verb does ("-- N lines lost
// --"); it said "… 1 lines lost".
func TestFleetFollowLineSaysLostAsTheLogVerb(t *testing.T) {
	got := followLine("kitchen", api.Event{Text: "LED toggled", Lost: 3})
	if want := "kitchen: -- 3 lines lost --\nkitchen: LED toggled"; got != want {
		t.Errorf("followLine = %q, want %q", got, want)
	}
	if got := followLine("k\x1b[2J", api.Event{Text: "x"}); strings.Contains(got, "\x1b") {
		t.Errorf("followLine let an escape through: %q", got)
	}
}
