package control_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// benchProgram serves a group of n running tasks on a unix socket.
func benchProgram(b *testing.B, n int) *client.Client {
	b.Helper()
	g := aioctl.NewGroup()
	for i := 0; i < n; i++ {
		aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil },
			struct{}{}, aioctl.WithName(fmt.Sprintf("task_%03d", i)))
	}
	b.Cleanup(func() { g.Close(context.Background()) })
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g},
		Socket:     filepath.Join(b.TempDir(), "run", "ctl.sock"),
		Logger:     slog.New(slog.DiscardHandler),
		MaxConns:   128,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	cl, err := client.New(client.Options{Socket: srv.SocketPath()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cl.Close)
	return cl
}

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[int(float64(len(d)-1)*p)]
}

// BenchmarkStatus100 is one client asking for the text status of 100
// tasks over the unix socket, one request at a time: it reports the round
// trip's p50 and p99.
func BenchmarkStatus100(b *testing.B) {
	for _, json := range []bool{false, true} {
		name := "text"
		if json {
			name = "json"
		}
		b.Run(name, func(b *testing.B) {
			cl := benchProgram(b, 100)
			ctx := context.Background()
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				resp, err := cl.Exec(ctx, []string{"status"}, control.Options{JSON: json})
				if err != nil || (len(resp.Text) == 0 && len(resp.Data) == 0) {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.ReportMetric(float64(percentile(lat, 0.50).Microseconds()), "p50-µs")
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
		})
	}
}

// BenchmarkStatus100Concurrent32 is 32 clients (goroutines sharing
// a client's connection pool) asking for the status of 100 tasks at once:
// it reports requests per second and the p99 round trip.
func BenchmarkStatus100Concurrent32(b *testing.B) {
	cl := benchProgram(b, 100)
	ctx := context.Background()
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism((32 + 1) / 2) // × GOMAXPROCS; set -cpu 2 for exactly 32
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			if _, err := cl.Exec(ctx, []string{"status"}, control.Options{}); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
	}
}
