package aioled

import (
	"math"
	"sync/atomic"
)

// Strip is a row of addressable LEDs, as an animation draws on it: Set
// and Get work on a frame buffer, Show sends the buffer to the LEDs. A
// Strip is used by one animation at a time (one goroutine); only
// SetBrightness may be called from another.
type Strip interface {
	// Len is the number of pixels.
	Len() int
	// Set sets pixel i (0 is the first) in the buffer; an i out of range
	// is ignored, so an animation's arithmetic at the ends needs no checks.
	Set(i int, c Color)
	// Get returns pixel i of the buffer (Black out of range).
	Get(i int) Color
	// SetBrightness scales what Show sends: 255 is full, 0 is off.
	SetBrightness(b uint8)
	// Show sends the buffer to the LEDs.
	Show() error
}

// Driver sends finished frames to LEDs: a terminal, a WS2812 strip over
// SPI, a recording in memory, or a TinyGo ws2812.Device (its WriteColors
// takes the frame converted to color.RGBA). Write gets the frame after
// gamma correction and brightness, and must not keep the slice.
type Driver interface {
	Write(frame []Color) error
}

// Fill sets every pixel of s to c (it does not Show).
func Fill(s Strip, c Color) {
	for i := range s.Len() {
		s.Set(i, c)
	}
}

// Pixels is the Strip of this package: a frame buffer in front of a
// Driver, with gamma correction and a brightness limit applied at Show.
// Make one with NewStrip.
type Pixels struct {
	buf, out []Color
	drv      Driver
	gamma    *[256]uint8 // nil: no correction
	limit    uint8
	bright   atomic.Uint32
}

// StripOption configures NewStrip.
type StripOption func(*Pixels)

// WithGamma turns gamma correction on (true, the default) or off. LEDs
// are linear in current while eyes are not: without correction a fade
// rushes through the dark end and crawls at the bright one. The curve is
// out = 255·(in/255)^2.8, the usual one for WS2812 strips.
func WithGamma(on bool) StripOption {
	return func(p *Pixels) {
		p.gamma = nil
		if on {
			p.gamma = &gamma28
		}
	}
}

// WithMaxBrightness caps the brightness (0..255) whatever SetBrightness
// asks for. A WS2812 pixel draws up to about 60 mA at full white (20 mA
// per channel), so 60 pixels at full white need 3.6 A at 5 V; a cap of
// 64 keeps a 60-pixel strip near 0.9 A, within a small supply.
func WithMaxBrightness(b uint8) StripOption { return func(p *Pixels) { p.limit = b } }

// WithBrightness sets the starting brightness (default 255, capped by
// WithMaxBrightness).
func WithBrightness(b uint8) StripOption { return func(p *Pixels) { p.bright.Store(uint32(b)) } }

// NewStrip returns a strip of n pixels (n < 0 counts as 0) that shows
// through d, with gamma correction on and no brightness cap unless the
// options say otherwise.
func NewStrip(n int, d Driver, opts ...StripOption) *Pixels {
	n = max(n, 0)
	p := &Pixels{buf: make([]Color, n), out: make([]Color, n), drv: d, gamma: &gamma28, limit: 255}
	p.bright.Store(255)
	for _, o := range opts {
		o(p)
	}
	return p
}

// Len returns the number of pixels.
func (p *Pixels) Len() int { return len(p.buf) }

// Set sets pixel i in the buffer; out of range is ignored.
func (p *Pixels) Set(i int, c Color) {
	if uint(i) < uint(len(p.buf)) {
		p.buf[i] = c
	}
}

// Get returns pixel i of the buffer, Black out of range.
func (p *Pixels) Get(i int) Color {
	if uint(i) < uint(len(p.buf)) {
		return p.buf[i]
	}
	return Black
}

// SetBrightness sets the brightness, capped by WithMaxBrightness. It is
// safe to call while an animation runs; the next Show uses it.
func (p *Pixels) SetBrightness(b uint8) { p.bright.Store(uint32(b)) }

// Brightness returns the brightness Show applies: the one set, capped.
func (p *Pixels) Brightness() uint8 { return min(uint8(p.bright.Load()), p.limit) }

// Show corrects the buffer (gamma, then brightness) into the output frame
// and writes it to the driver. It allocates nothing.
func (p *Pixels) Show() error {
	b := int(p.Brightness())
	for i, c := range p.buf {
		if p.gamma != nil {
			c = Color{p.gamma[c.R], p.gamma[c.G], p.gamma[c.B], p.gamma[c.W]}
		}
		if b != 255 {
			c = Color{dim(c.R, b), dim(c.G, b), dim(c.B, b), dim(c.W, b)}
		}
		p.out[i] = c
	}
	if p.drv == nil {
		return nil
	}
	return p.drv.Write(p.out)
}

// dim scales v by b/255, rounded.
func dim(v uint8, b int) uint8 { return uint8((int(v)*b + 127) / 255) }

// gamma28 is the correction table for gamma 2.8.
var gamma28 = func() (t [256]uint8) {
	for i := range t {
		t[i] = uint8(math.Pow(float64(i)/255, 2.8)*255 + 0.5)
	}
	return t
}()
