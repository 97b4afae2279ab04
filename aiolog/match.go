package aiolog

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mode selects how Query.Grep is matched.
type Mode uint8

const (
	// Auto is Glob when the pattern contains '*', else Substring.
	Auto Mode = iota
	// Substring matches lines that contain the pattern.
	Substring
	// Glob matches the whole line against the pattern, where '*' stands for
	// any text (possibly empty) and every other character for itself.
	Glob
	// Regexp matches lines that contain a match of the regular expression
	// (package regexp syntax).
	Regexp
)

// ErrNoRegexp is what a Regexp-mode query returns in a build without
// package regexp (build tag aiotools_noregexp, for microcontrollers).
var ErrNoRegexp = errors.New("regular expressions are not in this build (built with -tags aiotools_noregexp): use a substring or a glob")

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Substring:
		return "substring"
	case Glob:
		return "glob"
	case Regexp:
		return "regexp"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// smartFold reports whether a pattern is matched case-insensitively: it has
// no upper-case letter (smart case). For a regular expression, escapes such
// as \S or \PL count as upper-case letters.
func smartFold(p string) bool {
	for _, r := range p {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// pattern is a compiled grep pattern. find is set for the substring modes
// whose matches have the fixed length plen, which lets a scan search many
// records at once; match works for every mode.
type pattern struct {
	find  func(hay []byte) int
	plen  int
	match func(line []byte) bool
}

// compilePattern compiles p in mode m with smart case. An empty pattern
// matches every line (match is nil). Substring and Glob patterns are escaped
// like the lines they are matched against.
func compilePattern(p string, m Mode) (pattern, error) {
	if p == "" && m != Regexp {
		return pattern{}, nil
	}
	if m == Auto {
		m = Substring
		if strings.IndexByte(p, '*') >= 0 {
			m = Glob
		}
	}
	if m != Regexp {
		// Lines are stored escaped; so is a literal pattern, so that a
		// pattern holding an ESC or an invalid byte finds it.
		p = Escape(p)
	}
	fold := smartFold(p)
	switch m {
	case Substring:
		pb := []byte(p)
		if !fold {
			find := func(h []byte) int { return bytes.Index(h, pb) }
			return pattern{find: find, plen: len(pb), match: func(l []byte) bool { return bytes.Contains(l, pb) }}, nil
		}
		if isASCII(p) {
			f := newFoldFinder(pb)
			return pattern{find: f.index, plen: len(pb), match: func(l []byte) bool { return f.index(l) >= 0 }}, nil
		}
		pr := foldRunes(p)
		return pattern{match: func(l []byte) bool { i, _ := foldIndex(l, pr); return i >= 0 }}, nil
	case Glob:
		if fold && !isASCII(p) {
			return pattern{match: newUnicodeGlob(strings.Split(p, "*")).match}, nil
		}
		g := newGlob(p, fold)
		return pattern{match: g.match}, nil
	case Regexp:
		if !fold {
			return compileRegexp(p)
		}
		pt, err := compileRegexp("(?i)" + p)
		if err != nil {
			// The error as on the pattern typed: "missing closing ):
			// `(`", not on the "(?i)(" made of it.
			if _, perr := compileRegexp(p); perr != nil {
				return pattern{}, perr
			}
		}
		return pt, err
	}
	return compileRegexp(p)
}

// lowerASCII returns b in lower case if it is an ASCII letter.
func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// equalFold reports whether s equals the lower-case ASCII pattern p,
// ignoring ASCII case.
func equalFold(s, p []byte) bool {
	if len(s) != len(p) {
		return false
	}
	for i := range p {
		if lowerASCII(s[i]) != p[i] {
			return false
		}
	}
	return true
}

// indexByteFrom returns the index of c in s at or after i, or len(s).
func indexByteFrom(s []byte, i int, c byte) int {
	j := bytes.IndexByte(s[i:], c)
	if j < 0 {
		return len(s)
	}
	return i + j
}

// glob matches a whole line against a pattern with '*' wildcards.
type glob struct {
	parts [][]byte // the pattern split at '*'; len(parts)-1 stars
	fold  bool     // ASCII case-insensitive; parts are lower case
}

func newGlob(p string, fold bool) *glob {
	g := &glob{fold: fold}
	for _, s := range strings.Split(p, "*") {
		g.parts = append(g.parts, []byte(s))
	}
	return g
}

func (g *glob) index(s, p []byte) int {
	if g.fold {
		return indexFold(s, p)
	}
	return bytes.Index(s, p)
}

func (g *glob) eq(s, p []byte) bool {
	if g.fold {
		return equalFold(s, p)
	}
	return bytes.Equal(s, p)
}

func (g *glob) match(line []byte) bool {
	if len(g.parts) == 1 {
		return g.eq(line, g.parts[0])
	}
	first, last := g.parts[0], g.parts[len(g.parts)-1]
	if len(line) < len(first)+len(last) || !g.eq(line[:len(first)], first) || !g.eq(line[len(line)-len(last):], last) {
		return false
	}
	mid := line[len(first) : len(line)-len(last)]
	for _, p := range g.parts[1 : len(g.parts)-1] {
		i := g.index(mid, p)
		if i < 0 {
			return false
		}
		mid = mid[i+len(p):]
	}
	return true
}
