package aiolog

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	now := t0
	r := New(8192, WithClock(func() time.Time { return now }), WithLocation(time.UTC),
		WithRateLimit(3, time.Second))
	log := slog.New(r.Handler(nil))
	for i := 0; i < 10; i++ {
		log.Info(fmt.Sprint("spam ", i), TaskKey, "spam")
		fmt.Fprintf(r, "[quiet] q%d", i%2) // 10 lines, 3 kept
	}
	log.Info("other", TaskKey, "other")
	now = now.Add(999 * time.Millisecond)
	log.Info("still limited", TaskKey, "spam")
	if st := r.Stats(); st.Suppressed != 15 {
		t.Fatalf("suppressed %d", st.Suppressed)
	}
	now = now.Add(time.Millisecond) // the interval has ended
	log.Info("back", TaskKey, "other")
	log.Info("spam again", TaskKey, "spam")
	got := texts(t, r, Query{})
	want := []string{
		"2015-01-01 00:00:19 [pyb] [INFO] [spam] spam 0",
		"[quiet] q0",
		"2015-01-01 00:00:19 [pyb] [INFO] [spam] spam 1",
		"[quiet] q1",
		"2015-01-01 00:00:19 [pyb] [INFO] [spam] spam 2",
		"[quiet] q0",
		"2015-01-01 00:00:19 [pyb] [INFO] [other] other",
		"2015-01-01 00:00:20 [pyb] [WARN] [quiet] suppressed 7 lines",
		"2015-01-01 00:00:20 [pyb] [WARN] [spam] suppressed 8 lines",
		"2015-01-01 00:00:20 [pyb] [INFO] [other] back",
		"2015-01-01 00:00:20 [pyb] [INFO] [spam] spam again",
	}
	// The suppressed lines of two tasks come in either order.
	if got[7] > got[8] {
		got[7], got[8] = got[8], got[7]
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s", strings.Join(got, "\n"))
	}
	if tl := r.TaskLog("spam", 2); tl[0] != want[8] {
		t.Fatalf("TaskLog %q", tl)
	}
}

// TestRateLimitTableBounded checks that many task names do not grow the
// limiter's table past its bound.
func TestRateLimitTableBounded(t *testing.T) {
	now := t0
	r := New(4096, WithClock(func() time.Time { return now }), WithRateLimit(1, time.Second))
	for i := 0; i < 3*maxLimitedTasks; i++ {
		fmt.Fprintf(r, "[t%d] x", i)
		if i%100 == 0 {
			now = now.Add(2 * time.Second)
		}
	}
	if n := len(r.limit.tasks); n > maxLimitedTasks {
		t.Fatalf("%d tasks in the table", n)
	}
}

// TestRateLimitCopy checks that the "suppressed" line, at WARN, reaches the
// WithCopy writer like every other line at or above its level.
func TestRateLimitCopy(t *testing.T) {
	now := t0
	var copied strings.Builder
	r := New(4096, WithClock(func() time.Time { return now }), WithLocation(time.UTC),
		WithRateLimit(1, time.Second), WithCopy(slog.LevelWarn, &copied))
	log := slog.New(r.Handler(nil))
	for i := 0; i < 3; i++ {
		log.Warn("flood", TaskKey, "noisy")
	}
	now = now.Add(time.Second)
	log.Info("calm", TaskKey, "noisy")
	if err := r.FlushCopy(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "2015-01-01 00:00:19 [pyb] [WARN] [noisy] flood\n" +
		"2015-01-01 00:00:20 [pyb] [WARN] [noisy] suppressed 2 lines\n"
	if copied.String() != want {
		t.Fatalf("copied:\n%swant:\n%s", copied.String(), want)
	}
}
