package main

import (
	"strings"
	"unicode/utf8"
)

// screenWidth is the width the demo's banner and status header fit: an
// 80-column terminal, the narrowest a newcomer is likely to have.
const screenWidth = 80

// wrapWords breaks s at spaces into lines of at most width columns, each
// character one column. A line that fits is returned as it is; the lines
// of one that does not keep its indentation, and the continuations get two
// more spaces. A word wider than width (a URL with its token, a long path)
// gets a line of its own rather than being cut, so that it still pastes
// and opens whole.
func wrapWords(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	cont := s[:len(s)-len(strings.TrimLeft(s, " "))] + "  " // the continuations' indentation
	var lines []string
	line := strings.TrimSuffix(cont, "  ")
	empty := true // line has its indentation only
	for _, w := range strings.Fields(s) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line, empty = cont, true
		}
		if !empty {
			line += " "
		}
		line, empty = line+w, false
	}
	return append(lines, line)
}

// wrapAll is each of texts after prefix, wrapped to screenWidth, one
// line after the other, each ending in a newline.
func wrapAll(prefix string, texts ...string) string {
	var b strings.Builder
	for _, t := range texts {
		for _, l := range wrapWords(prefix+t, screenWidth) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
