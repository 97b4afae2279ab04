package main

import "testing"

// TestHUPEndsOnlyAnInteractiveRun: SIGHUP reloads a daemon (systemd, or no
// terminal on stdin) and ends a run in a terminal, whose hang-up it is.
func TestHUPEndsOnlyAnInteractiveRun(t *testing.T) {
	for _, c := range []struct{ systemd, tty, ends bool }{
		{false, true, true}, {false, false, false}, {true, true, false}, {true, false, false},
	} {
		if got := hupEndsRun(c.systemd, c.tty); got != c.ends {
			t.Errorf("systemd=%v terminal=%v: ends=%v, want %v", c.systemd, c.tty, got, c.ends)
		}
	}
}
