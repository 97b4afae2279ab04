package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fits80 fails the test for each line of text wider than an 80-column
// terminal, but for two kinds: the boot lines ("[ OK ] Service: …"), whose
// format is the seed's (SPEC.md §4), and a line that is one URL alone (the
// dashboard's, with its token): a terminal wraps it, and a line broken by
// the program would no longer open with a click or paste whole.
func fits80(t *testing.T, what, text string) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(l, "[ ") || (strings.HasPrefix(trimmed, "http") && !strings.Contains(trimmed, " ")) {
			continue
		}
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("%s: a line of %d columns, wider than 80:\n%s", what, n, l)
		}
	}
}

// Everything the demo prints at start (the banner, then the header of the
// first status round) fits an 80-column terminal: a newcomer's first look.
func TestDemoStartFits80Columns(t *testing.T) {
	out := runUntil(t, demoConfig{Every: 50 * time.Millisecond, Web: demoWebDefault}, "● blink: status:")
	start, _, _ := strings.Cut(out, "● ") // up to the first task's status
	if !strings.Contains(start, "aiotools demo · ") || !strings.Contains(start, "dashboard:") {
		t.Fatalf("no banner, dashboard or header in:\n%s", start)
	}
	fits80(t, "demo start", start)
}

// The console's banner fits 80 columns too, with a long task name in it.
func TestConsoleBannerFits80Columns(t *testing.T) {
	for _, task := range []string{"blink", "", "a-service-with-a-rather-long-name.service"} {
		fits80(t, "console banner", consoleBanner("aiotools demo", task, "LED"))
	}
}
