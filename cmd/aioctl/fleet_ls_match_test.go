package main

import (
	"strings"
	"testing"
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
