package control_test

import (
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aiolog"
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
