package aiolog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

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

func TestDurationFormat(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 999, 1500, time.Millisecond, 1500 * time.Microsecond,
		time.Second, 90 * time.Minute, -2*time.Hour - 3*time.Millisecond, 1<<63 - 1, -1 << 63} {
		if got := string(appendDuration(nil, d)); got != d.String() {
			t.Errorf("%d: got %q want %q", int64(d), got, d.String())
		}
	}
}
