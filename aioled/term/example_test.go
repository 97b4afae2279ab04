package term_test

import (
	"fmt"
	"strings"

	"github.com/aiotools-go/aiotools/aioled"
	"github.com/aiotools-go/aiotools/aioled/term"
)

// A strip of 8 pixels drawn without colour (as under NO_COLOR): each
// pixel a shade by its brightness, the line redrawn in place (carriage
// return first, clear to its end last). With colour (the default) each
// pixel is a █ in its own 24-bit colour.
func Example() {
	var screen strings.Builder // os.Stdout in a program
	r := term.New(&screen, term.WithColor(false), term.WithLabel("strip"))
	strip := aioled.NewStrip(8, r, aioled.WithGamma(false))
	for i := range 8 {
		strip.Set(i, aioled.RGB(uint8(i*36), 0, 0))
	}
	_ = strip.Show()
	fmt.Printf("%q\n", screen.String())
	// Output:
	// "\rstrip  ░▒▒▓▓██\x1b[K"
}
