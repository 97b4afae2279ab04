package control_test

import (
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

func TestLogVerb(t *testing.T) {
	p := newProgram(t)
	r := exec(t, p, "log", false)
	if !strings.Contains(r.Text, "[blink] LED toggled") || !strings.Contains(r.Text, "[dofail] about to fail") {
		t.Errorf("log: %q", r.Text)
	}
	if r := exec(t, p, "log LED", false); strings.Contains(r.Text, "dofail") || !strings.Contains(r.Text, "LED") {
		t.Errorf("log LED: %q", r.Text)
	}
	if r := exec(t, p, "log --level ERROR", false); strings.Contains(r.Text, "LED") || !strings.Contains(r.Text, "[ERROR] [dofail]") {
		t.Errorf("log --level: %q", r.Text)
	}
	if r := exec(t, p, "log -t dofail -n 1", true); len(r.Data.([]aiolog.Line)) != 1 || r.Data.([]aiolog.Line)[0].Task != "dofail" {
		t.Errorf("log -t -n json: %+v", r.Data)
	}
	if r := exec(t, p, `log -E "LED t.ggled"`, false); !strings.Contains(r.Text, "LED toggled") {
		t.Errorf("log -E: %q %v", r.Text, r.Err)
	}
	if r := exec(t, p, "log --since 1h --until 2099-01-01", false); !strings.Contains(r.Text, "LED") {
		t.Errorf("log since/until: %q %v", r.Text, r.Err)
	}
	if r := exec(t, p, "log --since 2099-01-01", false); r.Text != "" || r.Err != nil {
		t.Errorf("log since future: %q %v", r.Text, r.Err)
	}
}

// An empty -E pattern (log -E "") said "needs a GREP argument" to someone who gave one.
func TestEmptyRegexpIsSaidEmpty(t *testing.T) {
	p := newProgram(t)
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"log", "-E", ""}, "log: --regexp: the GREP is empty (it would match every line): give a pattern, or leave --regexp out"},
		{[]string{"log", "-E"}, "log: --regexp: needs a GREP argument: log -E 'PATTERN'"},
	} {
		r := p.in.Exec(ctxT(t), tc.argv, control.Options{})
		if r.Err == nil || r.Err.Code != control.CodeBadArgument || r.Err.Message != tc.want {
			t.Errorf("%q: %+v, want %q", tc.argv, r.Err, tc.want)
		}
	}
}
