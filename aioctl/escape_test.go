package aioctl

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// TestRenderEscapesEveryUntrustedString renders a status whose every
// string is hostile, plain and debug, with and without the service
// header: no control byte (but the layout's newlines), DEL, C1 or bidi
// control reaches the text, and no value but the traceback adds a line.
func TestRenderEscapesEveryUntrustedString(t *testing.T) {
	for _, h := range []string{"\x1b]0;PWNED\x07\x1b[2J", "\u009b2J\u202eevil\u2066", "a\x00\x7f\r\xff", "x\n● forged: status: running"} {
		now := time.Date(2015, 1, 1, 0, 0, 30, 0, time.UTC)
		args, _ := json.Marshal(map[string]string{"text": h})
		st := TaskStatus{Name: h, Group: h, State: Error, Since: now.Add(-time.Minute), Ended: now.Add(-time.Second),
			ResultText: h, Error: h, ErrorType: h, Traceback: "Error: " + h + "\n\tat " + h + "\n", Func: h, Args: args,
			Schedule: &ScheduleInfo{Opts: h}, Log: []string{h},
			Service: &ServiceInfo{Description: h, Loaded: h, Type: h, Docs: h, StatsTitle: h, Stats: h}}
		clean := st
		clean.Name, clean.Group, clean.ResultText, clean.Func, clean.Args, clean.Log = "n", "g", "r", "f", json.RawMessage(`{}`), []string{"l"}
		// A traceback is multi-line text: its newlines stay (indented under
		// the traceback line, so they cannot pass for a status line).
		clean.Schedule = &ScheduleInfo{Opts: "o"}
		clean.Service = &ServiceInfo{Description: "d", Loaded: "l", Type: "t", Docs: "d", StatsTitle: "s", Stats: "s"}
		for _, debug := range []bool{false, true} {
			opt := RenderOptions{Debug: debug, Now: now, Location: time.UTC}
			var b, c strings.Builder
			Render(&b, []TaskStatus{st}, opt)
			Render(&c, []TaskStatus{clean}, opt)
			out := b.String()
			if i := termsafe.FirstUnsafe(out, true); i >= 0 {
				t.Errorf("debug %v, %q: unescaped byte %#x at %d in\n%s", debug, h, out[i], i, out)
			}
			if got, want := strings.Count(out, "\n"), strings.Count(c.String(), "\n"); got != want {
				t.Errorf("debug %v, %q: %d lines, want %d:\n%s", debug, h, got, want, out)
			}
		}
	}
}
