//go:build !tinygo

package aiolog

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"strconv"
	"testing"
	"time"
)

func BenchmarkHandlerWrite(b *testing.B) {
	r := New(1 << 20)
	log := slog.New(r.Handler(nil))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		log.Info("LED toggled", TaskKey, "hello_task", "led", 3, "on", true)
	}
}

func BenchmarkHandlerWriteParallel(b *testing.B) {
	r := New(1 << 20)
	log := slog.New(r.Handler(nil))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log.Info("LED toggled", TaskKey, "hello_task", "led", 3, "on", true)
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	r := New(1 << 20)
	line := []byte("[hello_task] LED 3 toggled!\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for i := 0; i < b.N; i++ {
		r.Write(line)
	}
}

// fillGrep fills a 64 MiB ring with ~80-byte lines, 1% of which hold NEEDLE.
func fillGrep(b *testing.B) *Ring {
	r := New(64<<20, WithClock(func() time.Time { return t0 }))
	var line []byte
	for i := 0; r.Stats().Evicted == 0; i++ {
		line = append(line[:0], "2015-01-01 00:00:19 [pyb] [INFO] [worker] processed request id="...)
		line = strconv.AppendInt(line, int64(i), 10)
		if i%100 == 7 {
			line = append(line, " NEEDLE"...)
		}
		line = append(line, " status=ok"...)
		r.Write(line)
	}
	return r
}

func BenchmarkGrep64MiB(b *testing.B) {
	r := fillGrep(b)
	st := r.Stats()
	want := 0
	b.Run("ring", func(b *testing.B) {
		b.SetBytes(int64(st.Used))
		for i := 0; i < b.N; i++ {
			n := 0
			r.Scan(Query{Grep: "NEEDLE"}, func(Line) error { n++; return nil })
			if n < st.Lines/101 || n > st.Lines/99+1 {
				b.Fatalf("%d matches in %d lines", n, st.Lines)
			}
			want = n
		}
	})
	b.Run("bytes.Index", func(b *testing.B) {
		// The same arena bytes, searched as one slice.
		b.SetBytes(int64(st.Used))
		pat := []byte("NEEDLE")
		for i := 0; i < b.N; i++ {
			n := 0
			for s := r.buf; ; {
				j := bytes.Index(s, pat)
				if j < 0 {
					break
				}
				n++
				s = s[j+len(pat):]
			}
			if want != 0 && n != want {
				b.Fatalf("bytes.Index found %d, ring %d", n, want)
			}
		}
	})
	b.Run("ring-smartcase", func(b *testing.B) {
		b.SetBytes(int64(st.Used))
		for i := 0; i < b.N; i++ {
			n := 0
			r.Scan(Query{Grep: "needle"}, func(Line) error { n++; return nil })
			if want != 0 && n != want {
				b.Fatalf("%d matches, want %d", n, want)
			}
		}
	})
}

// BenchmarkFollowLatency measures the time from the start of a Write to the
// moment a follower blocked in Follow has the line, and reports its p50 and
// p99 in microseconds.
func BenchmarkFollowLatency(b *testing.B) {
	r := New(1 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan time.Time, 1)
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(ready)
		r.Follow(ctx, Query{}, func(Line) error { got <- time.Now(); return nil })
	}()
	<-ready
	// Make sure the follower is waiting before measuring.
	r.Write([]byte("warm-up"))
	<-got
	lat := make([]time.Duration, 0, b.N)
	line := []byte("ping")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		r.Write(line)
		lat = append(lat, (<-got).Sub(start))
	}
	b.StopTimer()
	cancel()
	<-done
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkDebugSuppressed is a debug call below its task's level (INFO):
// through the direct API without and with attributes (their building is
// the caller's), and through slog.Logger with the handler's task cell.
func BenchmarkDebugSuppressed(b *testing.B) {
	r := New(1 << 20)
	direct := r.TaskLogger("hello_task")
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			direct.Debug("LED toggled")
		}
	})
	b.Run("direct-attrs", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			direct.Debug("LED toggled", slog.Int("led", 3), slog.Bool("on", true))
		}
	})
	log := slog.New(r.Handler(nil)).With(TaskKey, "hello_task")
	b.Run("slog", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			log.Debug("LED toggled", "led", 3, "on", true)
		}
	})
}

// BenchmarkJSONHandlerWrite is BenchmarkHandlerWrite in the JSON form,
// with a value that needs escaping (quotes, a tab, non-ASCII, a control).
func BenchmarkJSONHandlerWrite(b *testing.B) {
	r := New(1 << 20)
	log := slog.New(r.Handler(&HandlerOptions{JSON: true}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		log.Info("LED toggled", TaskKey, "hello_task", "led", 3, "on", true,
			"label", "kitchen \"left\"\tstrip – été \x1b[0m")
	}
}
