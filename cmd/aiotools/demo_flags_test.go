package main

import (
	"strings"
	"testing"
)

// Flag values the demo cannot run with are usage errors naming the flag,
// not a panic (time.NewTicker panics on a period <= 0) or a silent default.
func TestDemoRejectsBadFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-every", "0s"}, "-every"},
		{[]string{"-every", "-5s"}, "-every"},
		{[]string{"-every", "1ns"}, "-every 1ns: at least 100ms"}, // 1.8 M lines in 3 s otherwise
		{[]string{"-every", "99ms"}, "-every"},
		{[]string{"-for", "-1s"}, "-for"},
		{[]string{"stray"}, `"stray"`},
		{[]string{"-follow", "a", "b"}, `"b"`},
		{[]string{"-follow", "-console"}, "-console"},
	} {
		var out, errOut strings.Builder
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("demo %q panicked: %v", tc.args, p)
				}
			}()
			err = run(append([]string{"demo"}, tc.args...), &out, &errOut)
		}()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("demo %q: err = %v, want a usage error naming %s", tc.args, err, tc.want)
		}
		if !strings.Contains(errOut.String(), "usage:") && !strings.Contains(errOut.String(), "-every") {
			t.Errorf("demo %q: no usage printed:\n%s", tc.args, errOut.String())
		}
	}
}
