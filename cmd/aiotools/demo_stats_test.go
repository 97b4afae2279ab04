package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aiolog"
)

var statsLineRE = regexp.MustCompile(`^mem [\d.]+ [KMG]?i?B heap, [\d.]+ [KMG]?i?B sys · \d+ goroutines · log [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B \(\d+%\)$`)

// The demo's header shows memory, goroutines and the log ring's use, on
// a line of its own right after the header line.
func TestDemoHeaderShowsMemoryGoroutinesAndLogUse(t *testing.T) {
	out := runUntilFunc(t, demoConfig{Every: 20 * time.Millisecond}, func(out string) bool {
		return strings.Count(out, steerHint) >= 2
	})
	lines := strings.Split(out, "\n")
	seen := 0
	for i, l := range lines {
		if !strings.Contains(l, steerHint) || i+1 >= len(lines) {
			continue
		}
		s := lines[i+1]
		if !statsLineRE.MatchString(s) {
			t.Errorf("line after the header %q does not match %v", s, statsLineRE)
		}
		if n := utf8.RuneCountInString(s); n > statsWidth {
			t.Errorf("stats line is %d columns: %q", n, s)
		}
		seen++
	}
	if seen == 0 {
		t.Fatalf("no header in:\n%s", out)
	}
}

// Whatever the figures, the line stays within 80 columns, dropping the
// least useful parts first.
func TestStatsLineFitsIn80Columns(t *testing.T) {
	for _, tc := range []struct {
		heap, sys uint64
		g         int
		log       *aiolog.Stats
		want      string
	}{
		{2 << 20, 12 << 20, 18, &aiolog.Stats{Budget: 256 << 10, Used: 10 << 10},
			"mem 2.0 MiB heap, 12.0 MiB sys · 18 goroutines · log 10.0 KiB of 256.0 KiB (3%)"},
		{1000 << 20, 1023 << 30, 123456, &aiolog.Stats{Budget: 1000 << 20, Used: 999 << 20, Suppressed: 12345678},
			"mem 1000.0 MiB heap, 1023.0 GiB sys · 123456 goroutines · log 99%"},
		{500, 600, 3, &aiolog.Stats{Budget: 1000, Used: 900, Suppressed: 2},
			"mem 500 B heap, 600 B sys · 3 goroutines · log 900 B of 1000 B (90%), 2 dropped"},
		{500, 600, 3, nil, "mem 500 B heap, 600 B sys · 3 goroutines"},
	} {
		got := statsLine(tc.heap, tc.sys, tc.g, tc.log)
		if got != tc.want {
			t.Errorf("statsLine = %q, want %q", got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > statsWidth {
			t.Errorf("%q is %d columns", got, n)
		}
	}
}
