package main

import (
	"slices"
	"testing"
)

func TestWrapWords(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"fits as it is   (spaces kept)", 40, []string{"fits as it is   (spaces kept)"}},
		{"one two three four", 9, []string{"one two", "  three", "  four"}},
		{"  indented words wrap", 12, []string{"  indented", "    words", "    wrap"}},
		{"dashboard: http://127.0.0.1:1/?token=0123456789", 20, []string{"dashboard:", "  http://127.0.0.1:1/?token=0123456789"}},
	} {
		if got := wrapWords(c.in, c.width); !slices.Equal(got, c.want) {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}
