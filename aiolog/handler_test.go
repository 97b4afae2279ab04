package aiolog

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func newLogger(opts *HandlerOptions) (*Ring, *slog.Logger) {
	r := New(4096, WithClock(func() time.Time { return t0 }), WithLocation(time.UTC))
	return r, slog.New(r.Handler(opts))
}

func TestHandlerGolden(t *testing.T) {
	r, log := newLogger(&HandlerOptions{Level: slog.LevelDebug})
	log.Info("LED 3 toggled!", TaskKey, "hello_task")
	log.Debug("starting")
	log.Warn("slow", TaskKey, "net", "took", 1500*time.Millisecond, "retries", 3)
	log.Error("failed", "err", errors.New("boom: no route"), "ok", false, "ratio", 0.25)
	log.Log(context.Background(), LevelCrit, "meltdown", "core", uint64(7))
	log.With(TaskKey, "srv").WithGroup("req").Info("done", "path", "/x", "n", -2,
		slog.Group("user", "id", 42, "name", "a b"))
	log.With("a", "x=y").Info("", "empty", "", "tm", t0)
	log.Info("hostile \x1b[31mred\x1b[0m\x00 \xff\xfe end\nnext", TaskKey, "t\x1b")
	want := []string{
		"2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled!",
		"2015-01-01 00:00:19 [pyb] [DEBUG] starting",
		"2015-01-01 00:00:19 [pyb] [WARN] [net] slow took=1.5s retries=3",
		`2015-01-01 00:00:19 [pyb] [ERROR] failed err="boom: no route" ok=false ratio=0.25`,
		"2015-01-01 00:00:19 [pyb] [CRIT] meltdown core=7",
		`2015-01-01 00:00:19 [pyb] [INFO] [srv] done req.path=/x req.n=-2 req.user.id=42 req.user.name="a b"`,
		`2015-01-01 00:00:19 [pyb] [INFO]  a="x=y" empty="" tm=2015-01-01T00:00:19Z`,
		`2015-01-01 00:00:19 [pyb] [INFO] [t\x1b] hostile \x1b[31mred\x1b[0m\x00 \xff\xfe end\nnext`,
	}
	got := texts(t, r, Query{})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tl := r.TaskLog("srv", 0); len(tl) != 1 || tl[0] != want[5] {
		t.Fatalf("TaskLog = %q", tl)
	}
	if tl := r.TaskLog("t\x1b", 0); len(tl) != 1 {
		t.Fatalf("TaskLog(hostile) = %q", tl)
	}
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

func TestHandlerJSON(t *testing.T) {
	r, log := newLogger(&HandlerOptions{JSON: true})
	log.With("k", 1).WithGroup("g").Info("hi \x1b \xff\"q\"", TaskKey, "job", "f", 1.5, "d", time.Second, "u", "\u202e")
	log.Info("plain", TaskKey, "job")
	got := texts(t, r, Query{})
	want := `{"time":"2015-01-01T00:00:19Z","logger":"pyb","level":"INFO","msg":"hi \u001b \ufffd\"q\"","k":1,"g.task":"job","g.f":1.5,"g.d":1000000000,"g.u":"\u202e"}`
	if got[0] != want {
		t.Fatalf("got  %s\nwant %s", got[0], want)
	}
	for _, l := range got {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	if tl := r.TaskLog("job", 0); len(tl) != 1 || !strings.Contains(tl[0], `"task":"job","msg":"plain"`) {
		t.Fatalf("TaskLog = %q", tl)
	}
}

func TestDurationFormat(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 999, 1500, time.Millisecond, 1500 * time.Microsecond,
		time.Second, 90 * time.Minute, -2*time.Hour - 3*time.Millisecond, 1<<63 - 1, -1 << 63} {
		if got := string(appendDuration(nil, d)); got != d.String() {
			t.Errorf("%d: got %q want %q", int64(d), got, d.String())
		}
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
