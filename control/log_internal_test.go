package control

import (
	"bytes"
	"log/slog"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aiolog"
)

// lineJSONCases are log lines whose wire form must not change: every
// level name, levels between them, a lost-lines notice, times with
// nanoseconds and zones, and text with quotes, controls, HTML, DEL, C1,
// bidi controls, U+2028 and bytes that are not UTF-8.
func lineJSONCases() []aiolog.Line {
	t0 := time.Date(2015, 1, 1, 0, 0, 19, 123456789, time.UTC)
	east := time.FixedZone("east", 5*3600+30*60)
	return []aiolog.Line{
		{Seq: 1, Time: t0, Level: slog.LevelInfo, Task: "blink", Text: "LED toggled pin=2"},
		{Seq: 2, Time: t0.In(east), Level: slog.LevelDebug - 3, Text: "no task"},
		{Seq: 3, Time: t0, Level: slog.LevelWarn + 1, Task: "a\"b", Text: `quote " backslash \ tab	nl
cr` + "\r"},
		{Seq: 4, Time: t0, Level: slog.LevelError, Task: "x", Text: "<script>&amp;</script>"},
		{Seq: 5, Time: t0, Level: aiolog.LevelCrit, Text: "DEL\x7f C1\u0085 bidi\u202e\u2066 ls\u2028ps\u2029 nul\x00 esc\x1b[31m"},
		{Seq: 6, Time: t0, Level: slog.LevelDebug, Text: "backspace\b formfeed\f vt\v"}, // encoding/json's \b and \f
		{Seq: 7, Time: t0, Level: aiolog.LevelCrit + 8, Text: "bad \xff\xfe utf8 \xe2\x82"},
		{Seq: 1 << 60, Time: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Level: slog.LevelInfo, Text: ""},
		{Text: aiolog.LostText(7), Lost: 7},
	}
}

// logLine is control's LogLine as it was when the log verb's JSON result
// was built from it, kept as the reference for the wire form.
type logLine struct {
	Seq   uint64    `json:"seq,omitempty"`
	Time  time.Time `json:"time"`
	Level string    `json:"level,omitempty"`
	Task  string    `json:"task,omitempty"`
	Text  string    `json:"text"`
	Lost  uint64    `json:"lost,omitempty"`
}

func toLogLine(l aiolog.Line) logLine {
	if l.Lost != 0 {
		return logLine{Text: l.Text, Lost: l.Lost}
	}
	return logLine{Seq: l.Seq, Time: l.Time, Level: aiolog.LevelName(l.Level), Task: l.Task, Text: l.Text}
}

// The log verb's JSON result is aiolog.Line's own JSON, byte for byte what
// control's LogLine wrote before it went: what a client decodes is
// unchanged.
func TestLogVerbJSONIsLogLineJSON(t *testing.T) {
	for _, l := range lineJSONCases() {
		checkLineJSON(t, l)
	}
}

func FuzzLogVerbJSONIsLogLineJSON(f *testing.F) {
	for _, l := range lineJSONCases() {
		f.Add(l.Seq, l.Time.UnixNano(), int(l.Level), l.Task, l.Text, l.Lost)
	}
	f.Fuzz(func(t *testing.T, seq uint64, unixNano int64, level int, task, text string, lost uint64) {
		l := aiolog.Line{Seq: seq, Time: time.Unix(0, unixNano).UTC(), Level: slog.Level(int8(level)), Task: task, Text: text}
		if lost != 0 { // a ring's lost notice: the other fields are zero
			l = aiolog.Line{Text: aiolog.LostText(lost), Lost: lost}
		}
		if !utf8.ValidString(task) {
			t.Skip() // a ring's task names come from slog attributes, escaped
		}
		checkLineJSON(t, l)
	})
}

func checkLineJSON(t *testing.T, l aiolog.Line) {
	t.Helper()
	got, err := marshalSafe([]aiolog.Line{l})
	if err != nil {
		t.Fatal(err)
	}
	want, err := marshalSafe([]logLine{toLogLine(l)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("line %+v:\n got %s\nwant %s", l, got, want)
	}
}
