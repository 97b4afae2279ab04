package aiolog

import (
	"unicode"
	"unicode/utf8"
)

// Smart case for patterns with non-ASCII letters, without package regexp:
// runes are compared by their case-fold orbit (unicode.SimpleFold), which
// is what a regexp's (?i) does, so "ünïcode" finds "ÜNÏCODE" and "k" finds
// the Kelvin sign. Folded runes may differ in length ('K' is one byte, the
// Kelvin sign three), so matching walks runes on both sides. These scans
// are O(len(line)·len(pattern)); ASCII patterns, the common case, keep the
// vectorised finder in fold.go.

// foldRune returns the smallest rune in r's case-fold orbit: two runes
// match case-insensitively exactly when their foldRunes are equal.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - ('a' - 'A') // k and s have non-ASCII kin, all above 'Z'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// foldRunes returns s's runes folded.
func foldRunes(s string) []rune {
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		rs = append(rs, foldRune(r))
	}
	return rs
}

// foldPrefix reports whether s begins with the folded runes p, and how
// many bytes of s they cover.
func foldPrefix(s []byte, p []rune) (int, bool) {
	i := 0
	for _, pr := range p {
		if i >= len(s) {
			return 0, false
		}
		r, w := utf8.DecodeRune(s[i:])
		if foldRune(r) != pr {
			return 0, false
		}
		i += w
	}
	return i, true
}

// foldIndex returns the byte range [i, j) of the first match of p in s at
// or after a rune boundary, or -1.
func foldIndex(s []byte, p []rune) (i, j int) {
	for i = 0; i <= len(s); {
		if n, ok := foldPrefix(s[i:], p); ok {
			return i, i + n
		}
		if i == len(s) {
			break
		}
		_, w := utf8.DecodeRune(s[i:])
		i += w
	}
	return -1, -1
}

// unicodeGlob matches a whole line against a '*' pattern whose parts are
// folded runes.
type unicodeGlob struct{ parts [][]rune }

func newUnicodeGlob(parts []string) *unicodeGlob {
	g := &unicodeGlob{parts: make([][]rune, len(parts))}
	for i, p := range parts {
		g.parts[i] = foldRunes(p)
	}
	return g
}

func (g *unicodeGlob) match(line []byte) bool {
	n, ok := foldPrefix(line, g.parts[0])
	if !ok {
		return false
	}
	if len(g.parts) == 1 {
		return n == len(line)
	}
	rest := line[n:]
	// The middle parts, each at its leftmost place: with '*' as the only
	// wildcard, the leftmost match never loses a match a later one has.
	for _, p := range g.parts[1 : len(g.parts)-1] {
		_, j := foldIndex(rest, p)
		if j < 0 {
			return false
		}
		rest = rest[j:]
	}
	// The last part ends the line; it may start at any rune boundary left.
	last := g.parts[len(g.parts)-1]
	for i := 0; i <= len(rest); {
		if n, ok := foldPrefix(rest[i:], last); ok && i+n == len(rest) {
			return true
		}
		if i == len(rest) {
			break
		}
		_, w := utf8.DecodeRune(rest[i:])
		i += w
	}
	return false
}
