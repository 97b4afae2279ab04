package spidev

import (
	"time"

	"github.com/aiotools-go/aiotools/aioled"
)

// Timing is a chip's bit timing from its datasheet: how long the data
// line stays high, then low, for a 0 and for a 1 (each ± Tolerance), and
// how long it must stay low for the chip to latch a frame (Reset).
type Timing struct {
	T0H, T0L, T1H, T1L time.Duration
	Tolerance          time.Duration
	Reset              time.Duration
}

// Chip says how to drive one kind of LED over SPI.
type Chip struct {
	Name string
	// Order is the order the chip reads its channels in, from "RGBW"
	// letters: "GRB" for WS2812, "GRBW" for SK6812 RGBW.
	Order string
	// SpeedHz is the SPI clock; BitsPerBit how many SPI bits encode one
	// LED bit (3 or 4): a 1 is the first two high (110, 1100), a 0 the
	// first one (100, 1000).
	SpeedHz    uint32
	BitsPerBit int
	// Timing is the datasheet's table, which the encoding meets.
	Timing Timing
}

// The chips this package knows. WS2812 covers WS2812B and WS2813 and
// most "NeoPixel" strips; SK6812 strips take the SK6812 timing, which a
// 2.4 MHz WS2812 stream misses (its 1 is high too long).
var (
	// WS2812 is a WS2812B: 3 SPI bits per bit at 2.4 MHz, 417 ns a bit, so
	// a 0 is 417 ns high and 833 ns low, a 1 833 ns high and 417 ns low.
	WS2812 = Chip{Name: "WS2812", Order: "GRB", SpeedHz: 2_400_000, BitsPerBit: 3,
		Timing: Timing{T0H: 400 * time.Nanosecond, T0L: 850 * time.Nanosecond,
			T1H: 800 * time.Nanosecond, T1L: 450 * time.Nanosecond,
			Tolerance: 150 * time.Nanosecond, Reset: 280 * time.Microsecond}}
	// SK6812 is an SK6812 RGB: 4 SPI bits per bit at 3.2 MHz, 312.5 ns a
	// bit: a 0 is 312.5 ns high and 937.5 ns low, a 1 625 ns and 625 ns.
	SK6812 = Chip{Name: "SK6812", Order: "GRB", SpeedHz: 3_200_000, BitsPerBit: 4,
		Timing: Timing{T0H: 300 * time.Nanosecond, T0L: 900 * time.Nanosecond,
			T1H: 600 * time.Nanosecond, T1L: 600 * time.Nanosecond,
			Tolerance: 150 * time.Nanosecond, Reset: 80 * time.Microsecond}}
	// SK6812RGBW is an SK6812 with a white LED: as SK6812, four channels.
	SK6812RGBW = Chip{Name: "SK6812RGBW", Order: "GRBW", SpeedHz: 3_200_000, BitsPerBit: 4, Timing: SK6812.Timing}
)

// Encoder turns frames into the SPI byte stream of a chip. It reuses one
// buffer: Encode allocates nothing once the buffer has grown to the
// strip's size.
type Encoder struct {
	chip  Chip
	order []int // channel indexes into [R, G, B, W]
	table *[256][4]byte
	reset int // zero bytes after the frame
	buf   []byte
}

// NewEncoder returns an encoder for chip. A chip with BitsPerBit other
// than 3 or 4, or an Order with other letters than RGBW, is an error.
func NewEncoder(chip Chip) (*Encoder, error) {
	e := &Encoder{chip: chip}
	switch chip.BitsPerBit {
	case 3:
		e.table = &table3
	case 4:
		e.table = &table4
	default:
		return nil, &ChipError{Chip: chip.Name, Msg: "BitsPerBit must be 3 or 4"}
	}
	if chip.SpeedHz == 0 {
		return nil, &ChipError{Chip: chip.Name, Msg: "SpeedHz must be set"}
	}
	for _, l := range chip.Order {
		i := map[rune]int{'R': 0, 'G': 1, 'B': 2, 'W': 3}[l]
		if l != 'R' && i == 0 {
			return nil, &ChipError{Chip: chip.Name, Msg: "Order " + chip.Order + " has a letter that is not R, G, B or W"}
		}
		e.order = append(e.order, i)
	}
	if len(e.order) == 0 {
		return nil, &ChipError{Chip: chip.Name, Msg: "Order is empty"}
	}
	// The reset: the line low for at least Timing.Reset, in whole bytes.
	bits := uint64(chip.Timing.Reset) * uint64(chip.SpeedHz) / uint64(time.Second)
	e.reset = int((bits + 7) / 8)
	return e, nil
}

// ChipError says what is wrong with a Chip.
type ChipError struct {
	Chip, Msg string
}

// Error names the chip.
func (e *ChipError) Error() string { return "spidev: chip " + e.Chip + ": " + e.Msg }

// Len returns the length of the stream for n pixels.
func (e *Encoder) Len(n int) int { return n*len(e.order)*e.chip.BitsPerBit + e.reset }

// Encode returns the SPI stream for frame: each channel in the chip's
// order, most significant bit first, then the reset (zero bytes). The
// slice is the encoder's buffer, valid until the next Encode.
func (e *Encoder) Encode(frame []aioled.Color) []byte {
	if need := e.Len(len(frame)); cap(e.buf) < need {
		e.buf = make([]byte, need)
	} else {
		e.buf = e.buf[:need]
	}
	b, i := e.buf, 0
	for _, c := range frame {
		ch := [4]uint8{c.R, c.G, c.B, c.W}
		for _, o := range e.order {
			t := &e.table[ch[o&3]]
			if e.chip.BitsPerBit == 3 { // unrolled: a copy per channel costs twice as much
				_ = b[i+2]
				b[i], b[i+1], b[i+2] = t[0], t[1], t[2]
				i += 3
				continue
			}
			_ = b[i+3]
			b[i], b[i+1], b[i+2], b[i+3] = t[0], t[1], t[2], t[3]
			i += 4
		}
	}
	clear(b[i:])
	return b
}

// table3 and table4 map a byte to its 3 or 4 SPI bytes.
var table3, table4 = func() (t3, t4 [256][4]byte) {
	for v := range 256 {
		var s3 uint32 // 24 bits
		var s4 uint32 // 32 bits
		for bit := 7; bit >= 0; bit-- {
			one := v>>bit&1 == 1
			s3 <<= 3
			s4 <<= 4
			if one {
				s3 |= 0b110
				s4 |= 0b1100
			} else {
				s3 |= 0b100
				s4 |= 0b1000
			}
		}
		t3[v] = [4]byte{byte(s3 >> 16), byte(s3 >> 8), byte(s3)}
		t4[v] = [4]byte{byte(s4 >> 24), byte(s4 >> 16), byte(s4 >> 8), byte(s4)}
	}
	return
}()
