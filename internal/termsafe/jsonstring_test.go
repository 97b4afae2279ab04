package termsafe

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

// jsonCases are strings with every kind of character the escaper treats
// apart.
var jsonCases = append([]string{
	"", "plain", `q"uo\te`, "<a href='x'>&amp;</a>", "\b\f\n\r\t\x00\x01\x1f\x7f",
	"\u2028\u2029", "é – 日本", "\ufffd", "\xff\xfe", "\xe2\x80", "\u0080\u009f",
}, hostile...)

// checkJSONString holds AppendJSONString's contract for s: JSONStd writes
// what json.Marshal writes; the terminal form decodes to the same string
// and is safe to print.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	want, _ := json.Marshal(s)
	if got := AppendJSONString(nil, s, JSONStd); !bytes.Equal(got, want) {
		t.Fatalf("JSONStd %q: %s, json.Marshal: %s", s, got, want)
	}
	var orig string
	_ = json.Unmarshal(want, &orig) // s with invalid UTF-8 replaced
	for _, f := range []JSONFlags{JSONEscapeTerm, JSONEscapeTerm | JSONShortBF, JSONEscapeTerm | JSONEscapeHTML} {
		got := AppendJSONString(nil, s, f)
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != orig {
			t.Fatalf("flags %b %q: %s decodes to %q (%v)", f, s, got, back, err)
		}
		if i := FirstUnsafe(string(got), false); i >= 0 {
			t.Fatalf("flags %b %q: %s unsafe at %d", f, s, got, i)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonCases {
		checkJSONString(t, s)
	}
	// The terminal form without the extras is slog's JSONHandler's string,
	// with DEL, C1 and bidi controls escaped on top.
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key != "msg" {
			return slog.Attr{}
		}
		return a
	}})
	s := "a\b\f\"\\<>&\x01\u2028 é\xff"
	slog.New(h).Info(s)
	want := `{"msg":` + string(AppendJSONString(nil, s, JSONEscapeTerm)) + "}\n"
	if buf.String() != want {
		t.Errorf("slog: %s, AppendJSONString: %s", buf.String(), want)
	}
	for _, c := range []struct {
		flags JSONFlags
		want  string
	}{
		{JSONEscapeTerm, `"\u007f\u0085\u202e\u0008\u000c<&>"`},
		{JSONEscapeTerm | JSONShortBF, `"\u007f\u0085\u202e\b\f<&>"`},
		{JSONEscapeHTML, "\"\x7f\u0085\u202e\\u0008\\u000c\\u003c\\u0026\\u003e\""},
	} {
		if got := string(AppendJSONString(nil, "\x7f\u0085\u202e\b\f<&>", c.flags)); got != c.want {
			t.Errorf("flags %b: %s, want %s", c.flags, got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		buf := make([]byte, 0, 256)
		_ = AppendJSONString(buf, "task \x1b[2J \u202e é <&>", JSONStd|JSONEscapeTerm)
	}); n != 0 {
		t.Errorf("AppendJSONString: %v allocs", n)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonCases {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}
