package control_test

import (
	"strings"
	"testing"
)

// A failed set args prints only its error: not also "no arguments
// changed" on stdout.
func TestFailedSetArgsPrintsOnlyTheError(t *testing.T) {
	p := newProgram(t)
	for _, line := range []string{`set args blink {"pin": "x"}`, `set args nosuch {"pin": 1}`} {
		r := exec(t, p, line, false)
		if r.Err == nil {
			t.Errorf("%s: no error", line)
		}
		if strings.Contains(r.Text, "no arguments changed") {
			t.Errorf("%s: text %q beside the error %v", line, r.Text, r.Err)
		}
	}
}
