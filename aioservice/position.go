package aioservice

import (
	"sort"
	"unicode/utf8"
)

// This file places a problem in the config file: the text is parsed after
// ${VAR} expansion, so an offset in the expanded text is mapped back to
// the original (offsetMap), then to a line and a column (parser.line).

// seg records one substitution: original bytes [origStart, origEnd)
// became expanded bytes [outStart, outEnd).
type seg struct{ origStart, origEnd, outStart, outEnd int }

// offsetMap maps offsets in expanded text back to the original text.
type offsetMap []seg

// orig maps the offset of a byte in the expanded text to the original.
func (m offsetMap) orig(off int) int {
	i := sort.Search(len(m), func(i int) bool { return m[i].outStart > off }) - 1
	if i < 0 {
		return off
	}
	s := m[i]
	if off < s.outEnd {
		return s.origStart
	}
	return off - s.outEnd + s.origEnd
}

// origEnd maps an end offset (one past a byte) to the original.
func (m offsetMap) origEnd(off int) int {
	if off == 0 {
		return 0
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].outStart >= off }) - 1
	if i < 0 {
		return off
	}
	s := m[i]
	if off <= s.outEnd {
		return s.origEnd
	}
	return off - s.outEnd + s.origEnd
}

// inVar reports whether the byte at offset off of the expanded text came
// from a ${VAR} (not from the original text, nor from a "$${" escape).
func (m offsetMap) inVar(off int) bool {
	i := sort.Search(len(m), func(i int) bool { return m[i].outStart > off }) - 1
	// A variable's original text is at least "${X}"; the escape is "$${".
	return i >= 0 && off < m[i].outEnd && m[i].origEnd-m[i].origStart > 3
}

type parser struct {
	file string
	orig []byte
	exp  []byte
	m    offsetMap
	// nl holds the offsets of the original text's newlines, found once
	// (on first use) so that placing an entry is a binary search, not a
	// count over the text before it.
	nl     []int
	nlDone bool
	// work counts the bytes examined to compute lines and columns, so a
	// test can check that parsing stays linear.
	work int
}

// line returns the 1-based line of original offset o, and the offset at
// which that line starts.
func (p *parser) line(o int) (line, start int) {
	if !p.nlDone {
		p.nlDone = true
		p.work += len(p.orig)
		for i, c := range p.orig {
			if c == '\n' {
				p.nl = append(p.nl, i)
			}
		}
	}
	i := sort.SearchInts(p.nl, o) // the newlines before o
	if i > 0 {
		start = p.nl[i-1] + 1
	}
	return i + 1, start
}

// errAt returns a ConfigError at offset off of the expanded text.
func (p *parser) errAt(off int, field, msg string, err error) *ConfigError {
	o := p.m.orig(off)
	if o > len(p.orig) {
		o = len(p.orig)
	}
	line, start := p.line(o)
	p.work += o - start
	col := 1 + utf8.RuneCount(p.orig[start:o])
	return &ConfigError{File: p.file, Line: line, Column: col, Field: field, Msg: msg, Err: err}
}
