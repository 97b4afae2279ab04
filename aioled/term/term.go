// Package term is an aioled Driver that draws a strip on a terminal: a
// row of blocks in true colour (24-bit SGR), one per pixel, redrawn in
// place at each frame, or at a fixed row of the screen (WithRow) so that
// it can sit under a full-screen program. Without colour (NO_COLOR,
// https://no-color.org: the program decides, see WithColor) each pixel
// is a shade block by its brightness: " ░▒▓█".
//
// Every frame is one Write of a buffer the renderer reuses: drawing
// allocates nothing. The only text it prints that it did not make is the
// label, escaped by internal/termsafe.
//
// The package uses the Go 1.23 standard library only, like aioled.
package term

import (
	"io"
	"strconv"

	"github.com/aiotools-go/aiotools/aioled"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Renderer draws frames on a terminal. It is an aioled.Driver; use it
// from one goroutine (the strip's).
type Renderer struct {
	w     io.Writer
	color bool
	label string
	row   func() int
	width func() int
	buf   []byte
}

// Option configures New.
type Option func(*Renderer)

// WithColor says whether to use colour (default true). Pass false when
// $NO_COLOR is set or the output is not a terminal that shows it.
func WithColor(on bool) Option { return func(r *Renderer) { r.color = on } }

// WithLabel prints label (escaped) before the pixels.
func WithLabel(label string) Option {
	return func(r *Renderer) { r.label = termsafe.String(label) + " " }
}

// WithRow draws each frame on the screen row row() returns (1 is the
// top), saving and restoring the cursor around it, so that the strip
// stays in place under whatever else writes to the terminal. A row() of
// 0 or less draws in place on the current line instead (the default:
// carriage return, pixels, clear to the end of the line).
func WithRow(row func() int) Option { return func(r *Renderer) { r.row = row } }

// WithWidth draws at most width() columns (label included), leaving out
// the pixels that do not fit, so that the line never wraps (a wrapped
// line would break the in-place redraw). 0 or less: no limit.
func WithWidth(width func() int) Option { return func(r *Renderer) { r.width = width } }

// New returns a renderer writing to w.
func New(w io.Writer, opts ...Option) *Renderer {
	r := &Renderer{w: w, color: true}
	for _, o := range opts {
		o(r)
	}
	return r
}

// shades are the blocks of the colourless mode, darkest first.
var shades = [...]string{" ", "░", "▒", "▓", "█"}

// Write draws frame in one write to the terminal.
func (r *Renderer) Write(frame []aioled.Color) error {
	b := r.buf[:0]
	row := 0
	if r.row != nil {
		row = r.row()
	}
	if row > 0 {
		b = append(b, "\x1b7\x1b["...)
		b = strconv.AppendInt(b, int64(row), 10)
		b = append(b, ";1H"...)
	} else {
		b = append(b, '\r')
	}
	b = append(b, r.label...)
	n := len(frame)
	if r.width != nil {
		if w := r.width() - len(r.label); w > 0 && w < n {
			n = w
		}
	}
	var last aioled.Color
	for i, c := range frame[:n] {
		// White LEDs (RGBW) add to every channel on a screen.
		c = aioled.Color{R: add(c.R, c.W), G: add(c.G, c.W), B: add(c.B, c.W)}
		if !r.color {
			b = append(b, shades[(int(max(c.R, c.G, c.B))*4+254)/255]...)
			continue
		}
		if i == 0 || c != last { // runs of one colour need one sequence
			b = append(b, "\x1b[38;2;"...)
			b = append(b, decimal[c.R]...)
			b = append(b, ';')
			b = append(b, decimal[c.G]...)
			b = append(b, ';')
			b = append(b, decimal[c.B]...)
			b = append(b, 'm')
			last = c
		}
		b = append(b, "█"...)
	}
	if r.color {
		b = append(b, "\x1b[0m"...)
	}
	b = append(b, "\x1b[K"...)
	if row > 0 {
		b = append(b, "\x1b8"...)
	}
	r.buf = b
	_, err := r.w.Write(b)
	return err
}

// decimal holds 0..255 written out: a lookup is cheaper than formatting
// three numbers per pixel.
var decimal = func() (t [256]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

func add(a, b uint8) uint8 { return uint8(min(int(a)+int(b), 255)) }
