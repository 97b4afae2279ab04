package aiolog

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func lowerASCIIBytes(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lowerASCII(c)
	}
	return out
}

// refMatch is a slow reference for the Substring and Glob modes on ASCII
// patterns, with smart case (ASCII folding only).
func refMatch(t *testing.T, pat string, mode Mode, line []byte) bool {
	if smartFold(pat) {
		line = lowerASCIIBytes(line)
	}
	if mode == Substring {
		return bytes.Contains(line, []byte(pat))
	}
	parts := strings.Split(pat, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	re, err := regexp.Compile(`(?s)\A` + strings.Join(parts, ".*") + `\z`)
	if err != nil {
		t.Fatal(err)
	}
	// regexp reads invalid UTF-8 as U+FFFD; the pattern is ASCII, so only
	// '.*' can cover those bytes, which it does either way.
	return re.Match(line)
}

// refFoldMatch is the reference for non-ASCII smart case: what a regexp's
// (?i) matches, which is how these patterns were matched before they had
// their own matcher (unifold.go).
func refFoldMatch(t *testing.T, pat string, mode Mode, line []byte) bool {
	expr := "(?i)" + regexp.QuoteMeta(pat)
	if mode == Glob {
		parts := strings.Split(pat, "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		expr = `(?is)\A` + strings.Join(parts, ".*") + `\z`
	}
	return regexp.MustCompile(expr).Match(line)
}

// FuzzMatch checks the pattern matcher against a reference, and the ring's
// multi-record substring search against the per-line matcher.
func FuzzMatch(f *testing.F) {
	f.Add("led", "LED 3 toggled!", uint8(0))
	f.Add("*toggled*", "LED 3 toggled!", uint8(2))
	f.Add("a*b*c", "aXbYc", uint8(2))
	f.Add("ab", "a\nb", uint8(1))
	f.Add("Zz", "zZ Zz", uint8(1))
	f.Add(`l+e?d`, "LED", uint8(3))
	f.Add("kü", "x\u212aÜ", uint8(1))     // Kelvin sign: 3 bytes for 'k'
	f.Add("*ſü*k", "SÜ \u212a", uint8(2)) // long s
	f.Add("ünï*é*", "ÜNÏ ÉÉ", uint8(0))
	f.Fuzz(func(t *testing.T, pat, line string, mode uint8) {
		m := Mode(mode % 4)
		p, err := compilePattern(pat, m)
		if err != nil {
			if m != Regexp {
				t.Fatalf("%q in mode %v: %v", pat, m, err)
			}
			return
		}
		stored := appendEscaped(nil, line) // lines are stored escaped
		got := p.match == nil || p.match(stored)
		eff := m
		if eff == Auto {
			eff = Substring
			if strings.Contains(pat, "*") {
				eff = Glob
			}
		}
		if ep := Escape(pat); pat != "" && isASCII(ep) && (eff == Substring || eff == Glob) {
			if want := refMatch(t, ep, eff, stored); got != want {
				t.Fatalf("%q %v %q: got %v want %v", pat, eff, stored, got, want)
			}
		}
		if ep := Escape(pat); pat != "" && !isASCII(ep) && smartFold(ep) && (eff == Substring || eff == Glob) {
			if want := refFoldMatch(t, ep, eff, stored); got != want {
				t.Fatalf("%q %v %q: got %v, regexp (?i) says %v", pat, eff, stored, got, want)
			}
		}
		// The ring search: the line between neighbours must be found alone.
		r := New(4096)
		r.Write([]byte(pat + "\n"))
		for _, l := range strings.Split(line, "\n") {
			r.Write([]byte(l + "\n"))
		}
		r.Write([]byte(pat))
		ls, err := r.Lines(Query{Grep: pat, Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if p.match != nil && !p.match([]byte(l.Text)) {
				t.Fatalf("ring reported %q for %q", l.Text, pat)
			}
		}
		all, _ := r.Lines(Query{})
		n := 0
		for _, l := range all {
			if p.match == nil || p.match([]byte(l.Text)) {
				n++
			}
		}
		if n != len(ls) {
			t.Fatalf("ring found %d of %d matches of %q", len(ls), n, pat)
		}
	})
}

// FuzzSplit checks the line splitter: Write and a LineWriter fed in chunks
// store the same lines as a reference split, escaped and terminal-safe.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("one\ntwo\r\nthree"), uint8(3))
	f.Add([]byte("\n\n\x1b[2J\x00\xff\n"), uint8(1))
	f.Add([]byte("[task] x\npartial"), uint8(5))
	f.Add([]byte("2015-01-01 00:00:19 [pyb] [WARN] [t] x\n2015-01-01 00:00:19 [] [CRIT]"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		if len(data) > 8<<10 {
			return
		}
		var want []string
		if len(data) > 0 {
			parts := strings.Split(string(data), "\n")
			if parts[len(parts)-1] == "" {
				parts = parts[:len(parts)-1]
			}
			for _, p := range parts {
				p = strings.TrimSuffix(p, "\r")
				e := Escape(p)
				if len(e) > 4096-hdrSize {
					return // truncation is tested elsewhere
				}
				want = append(want, e)
			}
		}
		r := New(64 << 10)
		r.Write(data)
		got := texts(t, r, Query{})
		if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(want) {
			t.Fatalf("Write: got %q want %q", got, want)
		}
		for _, l := range got {
			if !utf8.ValidString(l) {
				t.Fatalf("invalid UTF-8 %q", l)
			}
			for _, c := range l {
				if (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
					t.Fatalf("unsafe %U in %q", c, l)
				}
			}
		}
		r2 := New(64 << 10)
		w := r2.NewWriter("", 0)
		step := int(chunk%16) + 1
		for i := 0; i < len(data); i += step {
			w.Write(data[i:min(i+step, len(data))])
		}
		w.Flush()
		got2 := texts(t, r2, Query{})
		if strings.Join(got2, "\n") != strings.Join(want, "\n") || len(got2) != len(want) {
			t.Fatalf("LineWriter: got %q want %q", got2, want)
		}
	})
}

// naiveIndexFold is the reference for indexFold: every position, compared
// byte by byte with ASCII case folded.
func naiveIndexFold(s, p []byte) int {
	for i := 0; i+len(p) <= len(s); i++ {
		if bytes.Equal(lowerASCIIBytes(s[i:i+len(p)]), p) {
			return i
		}
	}
	return -1
}

// FuzzIndexFold checks the rare-byte folded search against the naive one,
// whatever byte of the pattern it anchors on.
func FuzzIndexFold(f *testing.F) {
	f.Add([]byte("2015-01-01 [INFO] processed NEEDLE status=ok"), []byte("needle"))
	f.Add([]byte("LlLl lL"), []byte("ll"))
	f.Add([]byte("aaaaaaaaaz"), []byte("az"))
	f.Add([]byte("x=1 X=2"), []byte("x=2"))
	f.Add([]byte(""), []byte("q"))
	f.Fuzz(func(t *testing.T, s, p []byte) {
		p = lowerASCIIBytes(p)
		if got, want := indexFold(s, p), naiveIndexFold(s, p); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", s, p, got, want)
		}
	})
}

// TestIndexFoldChunkBoundaries places a match at every offset around the
// folded search's chunk boundaries, which short fuzz inputs never reach.
func TestIndexFoldChunkBoundaries(t *testing.T) {
	p := []byte("needle")
	for _, base := range []int{foldChunk, 2 * foldChunk} {
		for off := base - 2*len(p); off <= base+len(p); off++ {
			s := bytes.Repeat([]byte("n[INFO] x"), (3*foldChunk)/9)
			copy(s[off:], "NeEdLe")
			if got, want := indexFold(s, p), naiveIndexFold(s, p); got != want {
				t.Fatalf("match at %d: got %d, want %d", off, got, want)
			}
		}
	}
}
