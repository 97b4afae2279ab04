package aioled

import (
	"encoding/json"
	"errors"
	"strconv"
)

// Color is one pixel's colour: red, green, blue and, for RGBW strips
// (SK6812 RGBW), white. An RGB strip ignores W.
type Color struct{ R, G, B, W uint8 }

// RGB returns the colour (r, g, b).
func RGB(r, g, b uint8) Color { return Color{R: r, G: g, B: b} }

// The seed's named colours (its Animation class constants).
var (
	Black  = Color{}
	Red    = RGB(255, 0, 0)
	Yellow = RGB(255, 150, 0)
	Green  = RGB(0, 255, 0)
	Cyan   = RGB(0, 255, 255)
	Blue   = RGB(0, 0, 255)
	Purple = RGB(180, 0, 255)
	White  = RGB(255, 255, 255)
)

// Sunset is the seed's sunset_fade palette, faded through in order.
var Sunset = [...]Color{
	RGB(250, 219, 50), RGB(220, 185, 20), RGB(200, 143, 10),
	RGB(180, 109, 5), RGB(150, 20, 0), RGB(0, 0, 0),
}

// Wheel is the seed's colour wheel: 0..255 goes red → green → blue and
// back to red, at full saturation.
func Wheel(pos uint8) Color {
	p := int(pos)
	switch {
	case p < 85:
		return RGB(uint8(255-p*3), uint8(p*3), 0)
	case p < 170:
		p -= 85
		return RGB(0, uint8(255-p*3), uint8(p*3))
	default:
		p -= 170
		return RGB(uint8(p*3), 0, uint8(255-p*3))
	}
}

// max returns the largest of the colour's channels.
func (c Color) max() uint8 { return max(c.R, c.G, c.B, c.W) }

// scale returns the colour with every channel times num/den (truncated,
// as the seed's int() does). den must not be 0.
func (c Color) scale(num, den int) Color {
	f := func(v uint8) uint8 { return uint8(int(v) * num / den) }
	return Color{f(c.R), f(c.G), f(c.B), f(c.W)}
}

// lerp is the colour k/steps of the way from a to b, rounded.
func lerp(a, b Color, k, steps int) Color {
	f := func(x, y uint8) uint8 {
		v := int(x)*(steps-k) + int(y)*k // never negative
		return uint8((2*v + steps) / (2 * steps))
	}
	return Color{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), f(a.W, b.W)}
}

// channels returns R, G, B, and W when it is set.
func (c Color) channels() []uint8 {
	if c.W != 0 {
		return []uint8{c.R, c.G, c.B, c.W}
	}
	return []uint8{c.R, c.G, c.B}
}

// String returns the colour as #rrggbb, or #rrggbbww when W is set.
func (c Color) String() string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 0, 9)
	b = append(b, '#')
	ch := c.channels()
	for _, v := range ch {
		b = append(b, hexdigits[v>>4], hexdigits[v&15])
	}
	return string(b)
}

// MarshalJSON writes the colour as the seed wrote it, a list [r, g, b]
// (or [r, g, b, w] when W is set).
func (c Color) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	ch := c.channels()
	for i, v := range ch {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(v), 10)
	}
	return append(b, ']'), nil
}

// ErrBadColor: a colour is neither a list of 3 or 4 numbers 0..255 nor a
// "#rrggbb" / "#rrggbbww" string.
var ErrBadColor = errors.New(`a colour is [r, g, b], [r, g, b, w] (0..255) or "#rrggbb" / "#rrggbbww"`)

// badColor is ErrBadColor naming the value that is not a colour (quoted
// and cut short: it may come from a user).
type badColor struct{ value string }

func (e badColor) Error() string {
	v := e.value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return "colour " + quote(v) + ": " + ErrBadColor.Error()
}

func (e badColor) Unwrap() error { return ErrBadColor }

// UnmarshalJSON reads [r, g, b], [r, g, b, w] or "#rrggbb" / "#rrggbbww".
func (c *Color) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		v, err := ParseColor(s)
		if err != nil {
			return badColor{s}
		}
		*c = v
		return nil
	}
	var l []int
	if err := json.Unmarshal(data, &l); err != nil || len(l) < 3 || len(l) > 4 {
		return badColor{string(data)}
	}
	var v [4]uint8
	for i, x := range l {
		if x < 0 || x > 255 {
			return badColor{string(data)}
		}
		v[i] = uint8(x)
	}
	*c = Color{v[0], v[1], v[2], v[3]}
	return nil
}

// ParseColor reads "#rrggbb" or "#rrggbbww" (the # may be left out).
func ParseColor(s string) (Color, error) {
	if len(s) > 0 && s[0] == '#' {
		s = s[1:]
	}
	if len(s) != 6 && len(s) != 8 {
		return Color{}, ErrBadColor
	}
	var v [4]uint8
	for i := 0; i < len(s); i += 2 {
		n, err := strconv.ParseUint(s[i:i+2], 16, 8)
		if err != nil {
			return Color{}, ErrBadColor
		}
		v[i/2] = uint8(n)
	}
	return Color{v[0], v[1], v[2], v[3]}, nil
}
