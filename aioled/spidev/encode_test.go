package spidev

import (
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioled"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// decoded is one LED bit as the chip sees it on the line.
type decoded struct {
	high, low time.Duration
	one       bool
}

// decode reads an SPI stream back as the line levels it makes: each LED
// bit is k SPI bits, high for the leading ones then low. It returns the
// bits and how long the line stays low after the last one.
func decode(t *testing.T, chip Chip, stream []byte, nbits int) ([]decoded, time.Duration) {
	t.Helper()
	// n SPI bits last n/SpeedHz seconds (not n times a rounded bit time).
	dur := func(n int) time.Duration {
		return time.Duration(uint64(n) * uint64(time.Second) / uint64(chip.SpeedHz))
	}
	bit := func(i int) bool { return stream[i/8]>>(7-i%8)&1 == 1 }
	var out []decoded
	k := chip.BitsPerBit
	for b := 0; b < nbits; b++ {
		highs, seenLow := 0, false
		for j := 0; j < k; j++ {
			switch on := bit(b*k + j); {
			case on && seenLow:
				t.Fatalf("LED bit %d: high after low inside one bit", b)
			case on:
				highs++
			default:
				seenLow = true
			}
		}
		if highs == 0 || highs == k {
			t.Fatalf("LED bit %d: %d of %d SPI bits high: no edge", b, highs, k)
		}
		out = append(out, decoded{high: dur(highs), low: dur(k - highs), one: highs > 1})
	}
	for i := nbits * k; i < len(stream)*8; i++ {
		if bit(i) {
			t.Fatalf("SPI bit %d is high in the reset", i)
		}
	}
	return out, dur(len(stream)*8 - nbits*k)
}

func within(d, want, tol time.Duration) bool { return d >= want-tol && d <= want+tol }

// TestEncodingMeetsTheDatasheet: for each chip, every bit of a frame is
// high and low for as long as its datasheet's table allows (± its
// tolerance), the bits read back as the colours in the chip's channel
// order, most significant first, and the line stays low for the reset.
func TestEncodingMeetsTheDatasheet(t *testing.T) {
	frame := []aioled.Color{{R: 0xff, G: 0x00, B: 0xa5, W: 0x3c}, {R: 0x01, G: 0x80, B: 0x7e, W: 0xff}, aioled.Black}
	for _, chip := range []Chip{WS2812, SK6812, SK6812RGBW} {
		t.Run(chip.Name, func(t *testing.T) {
			e, err := NewEncoder(chip)
			if err != nil {
				t.Fatal(err)
			}
			stream := e.Encode(frame)
			nbits := len(frame) * len(chip.Order) * 8
			bits, reset := decode(t, chip, stream, nbits)
			tm := chip.Timing
			var got []byte
			for i, b := range bits {
				h, l := tm.T0H, tm.T0L
				if b.one {
					h, l = tm.T1H, tm.T1L
				}
				if !within(b.high, h, tm.Tolerance) || !within(b.low, l, tm.Tolerance) {
					t.Fatalf("bit %d (%v): high %v low %v, datasheet %v/%v ± %v", i, b.one, b.high, b.low, h, l, tm.Tolerance)
				}
				if i%8 == 0 {
					got = append(got, 0)
				}
				if b.one {
					got[len(got)-1] |= 1 << (7 - i%8)
				}
			}
			var want []byte
			for _, c := range frame {
				ch := map[rune]uint8{'R': c.R, 'G': c.G, 'B': c.B, 'W': c.W}
				for _, l := range chip.Order {
					want = append(want, ch[l])
				}
			}
			if string(got) != string(want) {
				t.Errorf("bits read back as % x, want % x (order %s)", got, want, chip.Order)
			}
			if reset < tm.Reset {
				t.Errorf("line low %v after the frame, datasheet reset %v", reset, tm.Reset)
			}
		})
	}
}

// TestBitPatterns: the SPI patterns themselves (the table every driver of
// this kind uses): 0xff and 0x00 at 3 and 4 SPI bits per bit.
func TestBitPatterns(t *testing.T) {
	for _, c := range []struct {
		chip Chip
		v    uint8
		want string
	}{
		{WS2812, 0xff, "\xdb\x6d\xb6"}, // 110 110 110 …
		{WS2812, 0x00, "\x92\x49\x24"}, // 100 100 100 …
		{WS2812, 0x80, "\xd2\x49\x24"}, // 110 100 100 …
		{SK6812, 0xff, "\xcc\xcc\xcc\xcc"},
		{SK6812, 0x00, "\x88\x88\x88\x88"},
		{SK6812, 0x81, "\xc8\x88\x88\x8c"},
	} {
		e, _ := NewEncoder(Chip{Name: c.chip.Name, Order: "R", SpeedHz: c.chip.SpeedHz, BitsPerBit: c.chip.BitsPerBit})
		if got := string(e.Encode([]aioled.Color{{R: c.v}})); got != c.want {
			t.Errorf("%s %#02x: % x, want % x", c.chip.Name, c.v, got, c.want)
		}
	}
}

// TestBadChips: a chip the encoder cannot drive is a *ChipError.
func TestBadChips(t *testing.T) {
	for _, c := range []Chip{
		{Name: "x", Order: "GRB", SpeedHz: 1, BitsPerBit: 5},
		{Name: "x", Order: "GRX", SpeedHz: 1, BitsPerBit: 3},
		{Name: "x", Order: "", SpeedHz: 1, BitsPerBit: 3},
		{Name: "x", Order: "GRB", BitsPerBit: 3},
	} {
		if _, err := NewEncoder(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

// TestEncodeAllocatesNothing: a frame of 300 pixels, after the first.
func TestEncodeAllocatesNothing(t *testing.T) {
	e, _ := NewEncoder(WS2812)
	frame := make([]aioled.Color, 300)
	_ = e.Encode(frame)
	if a := testing.AllocsPerRun(100, func() { _ = e.Encode(frame) }); a != 0 {
		t.Errorf("%v allocations per frame", a)
	}
	if n := len(e.Encode(frame)); n != 300*9+84 {
		t.Errorf("300 WS2812 pixels: %d bytes, want %d (9 a pixel + 84 of reset)", n, 300*9+84)
	}
}

// BenchmarkEncode300: one frame of 300 WS2812 pixels; frames/s is
// 1e9 / ns/op (the wire itself takes 2784 bytes at 2.4 MHz: 9.3 ms).
func BenchmarkEncode300(b *testing.B) {
	e, _ := NewEncoder(WS2812)
	frame := make([]aioled.Color, 300)
	for i := range frame {
		frame[i] = aioled.Wheel(uint8(i))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for i := 0; i < b.N; i++ {
		_ = e.Encode(frame)
	}
}
