package control_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// TestLogLevelVerb: a level set by the verb applies to the task's next line
// and to its children unless they have their own; the listing says where
// each level comes from; bad words and patterns are errors naming them.
func TestLogLevelVerb(t *testing.T) {
	p := newProgram(t)
	log := slog.New(p.ring.Handler(nil)).With("task", "blink")
	child := p.ring.TaskLogger("blink.child")
	log.Debug("hidden debug")
	child.Debug("hidden child debug")
	if r := exec(t, p, "log level blink DEBUG", false); r.Err != nil ||
		!strings.HasPrefix(r.Text, "log level of blink: DEBUG\n") || !strings.Contains(r.Text, "blink        DEBUG set\n") ||
		!strings.Contains(r.Text, "blink.child  DEBUG from blink\n") {
		t.Fatalf("set: %q %v", r.Text, r.Err)
	}
	log.Debug("shown debug")
	child.Debug("shown child debug")
	r := exec(t, p, "log debug", false)
	if strings.Contains(r.Text, "hidden") || !strings.Contains(r.Text, "[DEBUG] [blink] shown debug") ||
		!strings.Contains(r.Text, "[DEBUG] [blink.child] shown child debug") {
		t.Fatalf("log after set: %q", r.Text)
	}
	exec(t, p, "log level blink.child WARN", false)
	exec(t, p, "log level 'bl*' INFO", false) // matches blink.child too: set last, it wins
	r = exec(t, p, "log level", true)
	rows := r.Data.([]control.LogLevelData)
	got := map[string]control.LogLevelData{}
	for _, row := range rows {
		got[row.Task] = row
	}
	if got["blink.child"].Level != "INFO" || got["blink.child"].From != "bl*" || got["answer"].Level != "INFO" || got["answer"].From != "" {
		t.Fatalf("listing: %+v", rows)
	}
	exec(t, p, "log level 'bl*' inherit", false)
	if r := exec(t, p, "log level blink.child", false); r.Text != "blink.child  WARN  set\n" {
		t.Fatalf("after inherit: %q", r.Text)
	}
	for line, want := range map[string]control.Code{
		"log level blink LOUD":      control.CodeBadArgument,
		"log level nosuch DEBUG":    control.CodeNotFound,
		"log level 'zz*'":           control.CodeNotFound,
		"log level blink DEBUG xtr": control.CodeBadArgument,
	} {
		r := exec(t, p, line, false)
		if code(r) != want {
			t.Errorf("%s: code %q, want %q (%v)", line, code(r), want, r.Err)
		}
		if want != control.CodeBadArgument || strings.Contains(line, "LOUD") {
			word := strings.Fields(line)[2]
			if strings.Contains(line, "LOUD") {
				word = "LOUD"
			}
			if !strings.Contains(r.Err.Message, strings.Trim(word, "'")) {
				t.Errorf("%s: message does not name %s: %s", line, word, r.Err.Message)
			}
		}
	}
}
