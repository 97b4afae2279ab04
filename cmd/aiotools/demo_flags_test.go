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
		// The message says how to see the flags (the whole list printed
		// before it buried it) and the exit status is a usage error's.
		if err != nil && (!strings.Contains(err.Error(), "aiotools demo -h") || exitCode(err) != 2) {
			t.Errorf("demo %q: %v (exit %d): want a pointer to -h and exit 2", tc.args, err, exitCode(err))
		}
	}
}
