package main

import (
	"context"
	"strings"
	"testing"
)

// TestNeopixelHelpSaysWhereTheStripIs: the help line says the strip is on
// the last row only when it is drawn there (a status on a terminal); with
// -console it is not drawn, and the help must not send the user looking.
func TestNeopixelHelpSaysWhereTheStripIs(t *testing.T) {
	size := func() (int, int, bool) { return 80, 24, true }
	for _, c := range []struct {
		console bool
		want    string
	}{{false, "on the last row"}, {true, "not drawn here"}} {
		d := &demo{cfg: demoConfig{Size: size, Console: c.console}}
		if err := setupNeopixel(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		if h := strings.Join(d.help, "\n"); !strings.Contains(h, c.want) {
			t.Errorf("console=%v: help %q, want %q", c.console, h, c.want)
		}
	}
}
