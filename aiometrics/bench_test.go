package aiometrics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control"
)

// BenchmarkScrape1000Tasks is one GET /metrics of a program with 1,000
// tasks that have each run once (so each has its run-duration histogram),
// 100 of them failed, 100 scheduled, and the Go and process collectors:
// the whole exposition, encoded as text; runs=per-task with
// WithTaskRunDurations.
func BenchmarkScrape1000Tasks(b *testing.B) {
	b.Run("runs=shared", func(b *testing.B) { benchScrape(b) })
	b.Run("runs=per-task", func(b *testing.B) { benchScrape(b, aiometrics.WithTaskRunDurations()) })
}

func benchScrape(b *testing.B, opts ...aiometrics.Option) {
	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogSource(ring), aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	sched := aioschedule.New(g)
	in, _ := control.NewInterp(control.Components{Group: g, Log: ring, Scheduler: sched})
	m := aiometrics.New(in, opts...)
	defer func() {
		m.Close()
		sched.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		g.Close(ctx)
	}()
	for i := range 1000 {
		fail := i%10 == 0
		t := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) {
			if fail {
				return 0, fmt.Errorf("task %d failed", n)
			}
			return n, nil
		}, i, aioctl.WithName(fmt.Sprintf("task_%04d", i)))
		<-t.Done()
		if i%10 == 1 {
			if err := sched.Schedule(t.Name(), aioschedule.Spec{StartIn: time.Hour, Repeat: time.Hour}); err != nil {
				b.Fatal(err)
			}
		}
	}
	h := m.Handler()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "text/plain")
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/scrape")
}

// BenchmarkStartStop starts a task and stops it again, without and with
// metrics watching the group: the overhead the metrics add to a task's
// life (benchstat -col /metrics).
func BenchmarkStartStop(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", withMetrics), func(b *testing.B) {
			g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			defer g.Close(context.Background())
			if withMetrics {
				in, _ := control.NewInterp(control.Components{Group: g})
				m := aiometrics.New(in)
				defer m.Close()
			}
			running := make(chan struct{}, 1)
			defer g.Watch(func(e aioctl.Event) {
				if e.To == aioctl.Running {
					running <- struct{}{}
				}
			})()
			t := aioctl.MustAdd(g, func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }, 0,
				aioctl.WithName("t"), aioctl.Deferred())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Start(); err != nil {
					b.Fatal(err)
				}
				<-running
				if _, err := g.Stop(ctx, "t"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
