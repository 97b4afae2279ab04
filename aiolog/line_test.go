package aiolog

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"
	"unicode/utf8"
)

// Line's JSON is the log verb's wire form (control's LogLine): lower-case
// names, the level as the handler prints it, a lost-lines notice with text
// and count only.
func TestLineJSON(t *testing.T) {
	ts := time.Date(2015, 1, 1, 0, 0, 19, 5, time.UTC)
	for _, c := range []struct {
		l    Line
		want string
	}{
		{Line{Seq: 3, Time: ts, Level: LevelCrit, Task: "net", Text: "a \"b\""},
			`{"seq":3,"time":"2015-01-01T00:00:19.000000005Z","level":"CRIT","task":"net","text":"a \"b\""}`},
		{Line{Seq: 1, Time: ts, Level: 0, Text: "x"},
			`{"seq":1,"time":"2015-01-01T00:00:19.000000005Z","level":"INFO","text":"x"}`},
		{Line{Text: LostText(7), Lost: 7},
			`{"time":"0001-01-01T00:00:00Z","text":"-- 7 lines lost --","lost":7}`},
	} {
		b, err := json.Marshal(c.l)
		if err != nil || string(b) != c.want {
			t.Errorf("json.Marshal(%+v) = %s, %v\nwant %s", c.l, b, err, c.want)
			continue
		}
		var back Line
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("json.Unmarshal(%s): %v", b, err)
			continue
		}
		if !back.Time.Equal(c.l.Time) || back.Seq != c.l.Seq || back.Level != c.l.Level ||
			back.Task != c.l.Task || back.Text != c.l.Text || back.Lost != c.l.Lost {
			t.Errorf("round trip of %s = %+v, want %+v", b, back, c.l)
		}
	}
	var l Line
	if err := json.Unmarshal([]byte(`{"level":"LOUD","text":"x"}`), &l); err == nil {
		t.Errorf("json.Unmarshal with level LOUD: no error")
	}
}

// FuzzLineJSON checks that Line's hand-written JSON is valid JSON and that
// a line with valid UTF-8 text and task round-trips through it.
func FuzzLineJSON(f *testing.F) {
	f.Add(uint64(1), int64(0), int8(0), "net", "LED 3 toggled!", uint64(0))
	f.Add(uint64(0), int64(0), int8(0), "", "-- 3 lines lost --", uint64(3))
	f.Add(uint64(9), int64(1420070419e9), int8(12), "t\"\\", "a\x1b[31m\u2028\x00", uint64(0))
	f.Fuzz(func(t *testing.T, seq uint64, ns int64, level int8, task, text string, lost uint64) {
		l := Line{Seq: seq, Time: time.Unix(0, ns).UTC(), Level: slog.Level(level), Task: task, Text: text, Lost: lost}
		b, err := json.Marshal(l)
		if err != nil || !json.Valid(b) {
			t.Fatalf("json.Marshal(%+v) = %q, %v", l, b, err)
		}
		if !utf8.ValidString(task) || !utf8.ValidString(text) {
			return
		}
		var back Line
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", b, err)
		}
		wantLevel := parseLevelOrZero(LevelName(l.Level))
		if lost != 0 {
			wantLevel = 0
		}
		if back.Seq != seq || !back.Time.Equal(l.Time) || back.Level != wantLevel || back.Task != task || back.Text != text || back.Lost != lost {
			t.Fatalf("round trip of %+v via %s: %+v", l, b, back)
		}
	})
}

// parseLevelOrZero is ParseLevel for a word known to be good.
func parseLevelOrZero(s string) slog.Level { l, _ := ParseLevel(s); return l }
