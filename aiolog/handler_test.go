package aiolog

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func newLogger(opts *HandlerOptions) (*Ring, *slog.Logger) {
	r := New(4096, WithClock(func() time.Time { return t0 }), WithLocation(time.UTC))
	return r, slog.New(r.Handler(opts))
}

func TestHandlerNameLocationLevel(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	r := New(1024, WithClock(func() time.Time { return t0 }), WithName("board"))
	log := slog.New(r.Handler(&HandlerOptions{Location: loc, Level: slog.LevelWarn}))
	log.Info("dropped")
	log.Warn("kept")
	log2 := slog.New(r.Handler(&HandlerOptions{Name: "other", Location: loc}))
	log2.Info("x")
	got := texts(t, r, Query{})
	want := "2015-01-01 02:00:19 [board] [WARN] kept|2015-01-01 02:00:19 [other] [INFO] x"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %q", got)
	}
}

func TestHandlerRecordTime(t *testing.T) {
	r := New(1024, WithLocation(time.UTC))
	h := r.Handler(nil)
	rec := slog.NewRecord(t0.Add(time.Hour), slog.LevelInfo, "m", 0)
	h.Handle(context.Background(), rec)
	if got := texts(t, r, Query{}); got[0] != "2015-01-01 01:00:19 [pyb] [INFO] m" {
		t.Fatalf("got %q", got)
	}
}

// TestHandlerZeroAllocs checks the documented promise: a record with string,
// number, bool, duration and time attributes, through a handler with
// WithAttrs and WithGroup, is stored without allocating.
func TestHandlerZeroAllocs(t *testing.T) {
	r := New(64 << 10)
	h := r.Handler(nil).WithAttrs([]slog.Attr{slog.String("board", "pyb")}).WithGroup("g")
	// The record is built once: slog itself allocates for more than five
	// attributes.
	rec := slog.NewRecord(t0, slog.LevelInfo, "LED toggled", 0)
	rec.AddAttrs(slog.String(TaskKey, "hello_task"), slog.Int("led", 3), slog.Bool("on", true),
		slog.Float64("v", 3.3), slog.Uint64("u", 7), slog.Duration("took", time.Second), slog.Time("at", t0))
	ctx := context.Background()
	allocs := testing.AllocsPerRun(200, func() { h.Handle(ctx, rec) })
	if allocs != 0 {
		t.Fatalf("%v allocs per record", allocs)
	}
	// Through a Logger, with the three attributes of BenchmarkHandlerWrite.
	log := slog.New(r.Handler(nil))
	allocs = testing.AllocsPerRun(200, func() { log.Info("LED toggled", TaskKey, "hello_task", "led", 3, "on", true) })
	if allocs != 0 {
		t.Fatalf("%v allocs per logger call", allocs)
	}
}
