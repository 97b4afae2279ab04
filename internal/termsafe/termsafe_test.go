package termsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

// hostile are strings that would drive a terminal if printed raw.
var hostile = []string{
	"\x1b]0;PWNED\x07\x1b[2J",
	"a\x00b\x7fc\rd",
	"\u009b31m\u0085",
	"evil\u202egnp.exe\u2066x\u2069",
	"bad\xff\xc0utf8",
	"line1\nline2\tcol",
}

func TestStringEscapesEveryControl(t *testing.T) {
	want := map[string]string{
		hostile[0]:   `\x1b]0;PWNED\x07\x1b[2J`,
		hostile[1]:   `a\x00b\x7fc\rd`,
		hostile[2]:   `\u009b31m\u0085`,
		hostile[3]:   `evil\u202egnp.exe\u2066x\u2069`,
		hostile[4]:   `bad\xff\xc0utf8`,
		hostile[5]:   "line1\\nline2\tcol",
		"ok é ● ┗━►": "ok é ● ┗━►",
	}
	for in, w := range want {
		if got := String(in); got != w {
			t.Errorf("String(%q) = %q, want %q", in, got, w)
		}
		if got := string(AppendBytes(nil, []byte(in))); got != w {
			t.Errorf("AppendBytes(%q) = %q, want %q", in, got, w)
		}
		if got := String(String(in)); got != w {
			t.Errorf("String is not idempotent on %q: %q", in, got)
		}
	}
}

func TestTextKeepsNewlinesAndColorTextKeepsOnlySGR(t *testing.T) {
	in := "a\x1b[31m●\x1b[0m\nb\x1b]0;x\x07\r\n\u202e"
	if got, want := Text(in), "a\\x1b[31m●\\x1b[0m\nb\\x1b]0;x\\x07\\r\n\\u202e"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got, want := ColorText(in), "a\x1b[31m●\x1b[0m\nb\\x1b]0;x\\x07\\r\n\\u202e"; got != want {
		t.Errorf("ColorText = %q, want %q", got, want)
	}
	for _, s := range []string{"\x1b[", "\x1b[31", "\x1b[31;1H", "\x1b"} {
		if got := ColorText(s); strings.Contains(got, "\x1b") {
			t.Errorf("ColorText(%q) = %q keeps a non-SGR escape", s, got)
		}
	}
}

func TestJSONEscapesDELC1AndBidiAndDecodesTheSame(t *testing.T) {
	for _, h := range append(hostile, "plain", "é") {
		enc, _ := json.Marshal(map[string]string{h: h})
		got := JSON(enc)
		if i := FirstUnsafe(string(got), false); i >= 0 {
			t.Errorf("JSON(%q) = %q: unsafe byte at %d", enc, got, i)
		}
		var back map[string]string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("JSON(%q) = %q is not JSON: %v", enc, got, err)
		}
		var orig map[string]string
		json.Unmarshal(enc, &orig)
		if back[orig[h]] != orig[h] || len(back) != 1 {
			t.Errorf("JSON(%q) decodes to %q, want %q", enc, back, orig)
		}
	}
	if b := []byte(`{"a":1}`); &JSON(b)[0] != &b[0] {
		t.Error("JSON copied clean input")
	}
}

func TestFirstUnsafe(t *testing.T) {
	for _, h := range hostile[:5] {
		if FirstUnsafe(h, true) < 0 {
			t.Errorf("FirstUnsafe(%q) found nothing", h)
		}
		if i := FirstUnsafe(String(h), false); i >= 0 {
			t.Errorf("String(%q) = %q is unsafe at %d", h, String(h), i)
		}
	}
	if FirstUnsafe("a\nb\t●", true) != -1 || FirstUnsafe("a\nb", false) != 1 {
		t.Error("FirstUnsafe on newlines")
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 256)
	s := "task \x1b[2J \u202e é"
	b := []byte(s)
	if n := testing.AllocsPerRun(100, func() { buf = AppendString(buf[:0], s) }); n != 0 {
		t.Errorf("AppendString: %v allocs", n)
	}
	if n := testing.AllocsPerRun(100, func() { buf = AppendBytes(buf[:0], b) }); n != 0 {
		t.Errorf("AppendBytes: %v allocs", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = String("plain name") }); n != 0 {
		t.Errorf("String of clean text: %v allocs", n)
	}
}

func FuzzEscape(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add("\x1b[31mred\x1b[0m\n")
	f.Fuzz(func(t *testing.T, s string) {
		if i := FirstUnsafe(String(s), false); i >= 0 {
			t.Fatalf("String(%q) unsafe at %d", s, i)
		}
		if i := FirstUnsafe(Text(s), true); i >= 0 {
			t.Fatalf("Text(%q) unsafe at %d", s, i)
		}
		if String(String(s)) != String(s) || Text(Text(s)) != Text(s) {
			t.Fatalf("escaping %q is not idempotent", s)
		}
		c := ColorText(s)
		if i := FirstUnsafe(strings.ReplaceAll(c, "\x1b[", ""), true); i >= 0 {
			t.Fatalf("ColorText(%q) = %q unsafe at %d", s, c, i)
		}
		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		j := JSON(enc)
		var back, orig string
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatalf("JSON(%q) = %q: %v", enc, j, err)
		}
		json.Unmarshal(enc, &orig)
		if back != orig || FirstUnsafe(string(j), false) >= 0 {
			t.Fatalf("JSON(%q) = %q", enc, j)
		}
	})
}

// Text and JSON return printable UTF-8 ("●", as every status line starts)
// as it is, without a copy; an unsafe rune after it is still escaped.
func TestPrintableUTF8IsNotCopied(t *testing.T) {
	s := "● blink: status: running\n● été\n"
	if n := testing.AllocsPerRun(10, func() { _ = Text(s) }); n != 0 || Text(s) != s {
		t.Errorf("Text of printable UTF-8: %v allocations, %q", n, Text(s))
	}
	j := []byte(`{"text":"● été"}`)
	if n := testing.AllocsPerRun(10, func() { _ = JSON(j) }); n != 0 || string(JSON(j)) != string(j) {
		t.Errorf("JSON of printable UTF-8: %v allocations, %s", n, JSON(j))
	}
	if got := Text("● \u202e\x7f"); got != `● \u202e\x7f` {
		t.Errorf("Text after a dot = %q", got)
	}
	if got := string(JSON([]byte("\"● \u0085\""))); got != `"● \u0085"` {
		t.Errorf("JSON after a dot = %s", got)
	}
}
