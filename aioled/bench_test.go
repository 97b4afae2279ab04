package aioled

import (
	"testing"
)

// BenchmarkShow300: one frame of 300 pixels through gamma and brightness
// to a driver that keeps nothing; frames/s is 1e9 / ns/op.
func BenchmarkShow300(b *testing.B) {
	s := NewStrip(300, nopDriver{}, WithBrightness(128))
	for i := range 300 {
		s.Set(i, Wheel(uint8(i)))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = s.Show()
	}
}

type nopDriver struct{}

func (nopDriver) Write([]Color) error { return nil }
