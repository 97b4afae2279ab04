package main

import (
	"strings"
	"testing"
)

// TestUsageErrorsExit2 (aiotools): a mistake on the command line exits 2,
// as aioctl's do, and says what is wrong in a few lines, not under the
// whole flag list; -h still lists every flag, with exit 0.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "-nope"}, {"demo", "-every", "0"}, {"demo", "-for", "-5s"}, {"demo", "-every", "fast"},
		{"run", "-nope"}, {"run", "my.config"}, {"broker", "-nope"}, {"nosuch"}, {},
	} {
		var out, errs strings.Builder
		err := run(args, &out, &errs)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%q: err %v, exit %d, want 2", args, err, exitCode(err))
			continue
		}
		if len(args) > 0 && args[0] != "nosuch" && strings.Count(errs.String(), "\n") > 3 {
			t.Errorf("%q: %d lines on stderr before the message:\n%s", args, strings.Count(errs.String(), "\n"), errs.String())
		}
	}
	var out, errs strings.Builder
	if err := run([]string{"demo", "-h"}, &out, &errs); err != nil || !strings.Contains(errs.String(), "-every") {
		t.Errorf("demo -h: %v\n%s", err, errs.String())
	}
}
