package aiolog

import (
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func grepRing() *Ring {
	now := t0
	r := New(4096, WithClock(func() time.Time { return now }), WithLocation(time.UTC))
	log := slog.New(r.Handler(&HandlerOptions{Level: slog.LevelDebug}))
	log.Info("LED 3 toggled!", TaskKey, "hello_task")
	now = now.Add(time.Second)
	log.Debug("led 4 toggled", TaskKey, "blink")
	now = now.Add(time.Second)
	log.Warn("ÜNÏCODE warning", TaskKey, "net")
	now = now.Add(time.Second)
	log.Error("Led broken", TaskKey, "blink", "code", 7)
	r.Write([]byte("[blink] plain text line"))
	return r
}

func TestGrepModes(t *testing.T) {
	r := grepRing()
	for _, c := range []struct {
		q    Query
		want string // the matching lines' sequence numbers
	}{
		{Query{}, "12345"},
		{Query{Grep: "led"}, "124"},      // smart case: insensitive
		{Query{Grep: "LED"}, "1"},        // sensitive
		{Query{Grep: "Led"}, "4"},        // sensitive
		{Query{Grep: "toggled!"}, "1"},   //
		{Query{Grep: "ünïcode"}, "3"},    // non-ASCII smart case
		{Query{Grep: "Ünïcode"}, ""},     // non-ASCII sensitive
		{Query{Grep: "*toggled*"}, "12"}, // Auto → glob
		{Query{Grep: "*toggled"}, "2"},   // glob is anchored
		{Query{Grep: "2015*!"}, "1"},     //
		{Query{Grep: "[blink] plain text line"}, "5"},
		{Query{Grep: "[blink] plain*", Mode: Substring}, ""},
		{Query{Grep: "[blink] plain", Mode: Glob}, ""},
		{Query{Grep: "*ünïcode*"}, "3"},
		{Query{Grep: `led \d`, Mode: Regexp}, "12"},
		{Query{Grep: `LED \d`, Mode: Regexp}, "1"},
		{Query{Grep: `^\[blink\]`, Mode: Regexp}, "5"},
		{Query{Grep: "led", Task: "blink"}, "24"},
		{Query{Task: "blink"}, "245"},
		{Query{Task: "nope"}, ""},
		{Query{MinLevel: slog.LevelWarn}, "34"},
		{Query{MinLevel: slog.LevelInfo}, "1345"},
		{Query{Since: t0.Add(time.Second)}, "2345"},
		{Query{Until: t0.Add(2 * time.Second)}, "12"},
		{Query{Since: t0.Add(time.Second), Until: t0.Add(3 * time.Second)}, "23"},
		{Query{Tail: 2}, "45"},
		{Query{Tail: 10}, "12345"},
		{Query{Tail: 1, Grep: "led"}, "4"},
		{Query{Tail: 2, Task: "blink", MinLevel: slog.LevelInfo}, "45"},
	} {
		ls, err := r.Lines(c.q)
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		var got strings.Builder
		for _, l := range ls {
			got.WriteByte(byte('0' + l.Seq))
		}
		if got.String() != c.want {
			t.Errorf("%+v: got %q want %q", c.q, got.String(), c.want)
		}
	}
	if _, err := r.Lines(Query{Grep: "(", Mode: Regexp}); err == nil {
		t.Error("bad regexp accepted")
	}
	if got := r.TaskLog("blink", 2); len(got) != 2 || got[1] != "[blink] plain text line" ||
		got[0] != "2015-01-01 00:00:22 [pyb] [ERROR] [blink] Led broken code=7" {
		t.Errorf("TaskLog = %q", got)
	}
}

// TestGrepAcrossRecords checks that the multi-record substring search never
// reports a match that spans two lines or a header.
func TestGrepAcrossRecords(t *testing.T) {
	r := New(1024)
	r.Write([]byte("abc\nxyz\nab\ncxy\nabcab\nc"))
	for _, c := range []struct{ pat, want string }{
		{"abc", "abc|abcab"}, {"ABC", ""}, {"cx", "cxy"}, {"bc", "abc|abcab"}, {"ab", "abc|ab|abcab"}, {"zab", ""},
	} {
		got := strings.Join(texts(t, r, Query{Grep: c.pat}), "|")
		if got != c.want {
			t.Errorf("%q: got %q want %q", c.pat, got, c.want)
		}
	}
}

func TestHostileContent(t *testing.T) {
	r := New(4096)
	hostile := "a\x1b]0;owned\x07b\x00c\x7fd\xff\xfe e\u009b31m f\u202eg\th\r"
	r.Write([]byte("[t] " + hostile))
	slog.New(r.Handler(nil)).Info(hostile, TaskKey, hostile, "k", hostile)
	r.NewWriter(hostile, slog.LevelInfo).Write([]byte(hostile + "\n"))
	for _, l := range texts(t, r, Query{}) {
		if !utf8.ValidString(l) {
			t.Errorf("invalid UTF-8: %q", l)
		}
		for _, c := range l {
			if (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == 0x202e {
				t.Errorf("unsafe rune %U in %q", c, l)
			}
		}
	}
	got := texts(t, r, Query{})[0]
	if got != `[t] a\x1b]0;owned\x07b\x00c\x7fd\xff\xfe e\u009b31m f\u202eg`+"\th" {
		t.Errorf("escaped form %q", got)
	}
	if Escape("ok é") != "ok é" || Escape("\x1b[2J") != `\x1b[2J` {
		t.Error("Escape")
	}
}

// A bad regexp is reported on the pattern typed: smart case compiled
// "(?i)" + it, and the error showed "(?i)(" to someone who typed "(".
func TestBadRegexpErrorShowsThePatternTyped(t *testing.T) {
	r := grepRing()
	for _, grep := range []string{"(", "led ("} {
		_, err := r.Lines(Query{Grep: grep, Mode: Regexp})
		if err == nil || strings.Contains(err.Error(), "(?i)") || !strings.Contains(err.Error(), "`"+grep+"`") {
			t.Errorf("Regexp %q: err = %v, want it on %q without (?i)", grep, err, grep)
		}
	}
}
