//go:build !tinygo

package aioctl

import (
	"testing"
	"time"
)

// BenchmarkRestartRing is the cost of recording one restart in a
// supervisor's intensity ring: constant time, no allocation.
func BenchmarkRestartRing(b *testing.B) {
	r := newRestartRing(10)
	at := t0
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Second)
		r.allow(at, 10*time.Second)
	}
}
