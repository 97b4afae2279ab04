package aiolog

import "testing"

func TestModeString(t *testing.T) {
	for m, s := range map[Mode]string{Auto: "auto", Substring: "substring", Glob: "glob", Regexp: "regexp"} {
		if m.String() != s {
			t.Errorf("%d: %q", m, m.String())
		}
	}
}
