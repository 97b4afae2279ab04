//go:build !tinygo

package aioctl

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
)

func trivial(context.Context, int) (int, error) { return 1, nil }

func quietGroup() *Group { return NewGroup(WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))) }

// BenchmarkTaskLifecycle adds a trivial task, lets it run and finish, and
// keeps its record (name, state, result, times). The group is replaced
// every 1,000 tasks so that the figure is the lifecycle's cost, not that of
// a heap growing to hundreds of thousands of records.
func BenchmarkTaskLifecycle(b *testing.B) {
	g := quietGroup()
	name := WithName("t")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i++; i%1000 == 0 {
			g = quietGroup()
		}
		t := MustAdd(g, trivial, 1, name)
		<-t.Done()
		if t.Result() != 1 {
			b.Fatal("not recorded")
		}
	}
}

// BenchmarkRawGoroutine is the same work with a bare goroutine and a WaitGroup.
func BenchmarkRawGoroutine(b *testing.B) {
	b.ReportAllocs()
	var sink int
	var mu sync.Mutex
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := trivial(context.Background(), 1)
			mu.Lock()
			sink += r
			mu.Unlock()
		}()
		wg.Wait()
	}
}

func parked(ctx context.Context, _ int) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func startParked(b *testing.B, g *Group, n int) {
	b.Helper()
	running := make(chan struct{}, n)
	cancel := g.Watch(func(e Event) {
		if e.To == Running {
			running <- struct{}{}
		}
	})
	for i := 0; i < n; i++ {
		MustAdd(g, parked, i, WithName("p"))
	}
	for i := 0; i < n; i++ {
		<-running
	}
	cancel()
}

// BenchmarkStatusSnapshot10k takes a status snapshot of 10,000 running tasks.
func BenchmarkStatusSnapshot10k(b *testing.B) {
	g := quietGroup()
	startParked(b, g, 10_000)
	defer g.Close(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		sts, _ := g.Snapshot(SnapshotOptions{})
		if len(sts) != 10_000 {
			b.Fatal(len(sts))
		}
	}
}

// BenchmarkStopAll100k stops 100,000 running tasks and waits for them all.
func BenchmarkStopAll100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		g := quietGroup()
		startParked(b, g, 100_000)
		b.StartTimer()
		if _, err := g.Stop(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParkedTaskMemory reports the live heap a parked managed task
// uses, beside a bare goroutine parked the same way; the difference is what
// aioctl adds. Both park in a shallow call, so both goroutines have the same
// initial stack; stacks are left out because the runtime's reuse of freed
// stacks makes their accounting depend on what ran before. A first round of
// bare goroutines warms the runtime's pool of goroutine structures for both
// measured rounds.
func BenchmarkParkedTaskMemory(b *testing.B) {
	const n = 20_000
	inuse := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	raw := func() float64 {
		before := inuse()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(n)
		for j := 0; j < n; j++ {
			go func() { defer wg.Done(); <-ctx.Done() }()
		}
		used := float64(inuse()-before) / n
		cancel()
		wg.Wait()
		return used
	}
	var taskBytes, rawBytes float64
	for i := 0; i < b.N; i++ {
		raw() // warm-up
		rawBytes = raw()
		before := inuse()
		g := quietGroup()
		startParked(b, g, n)
		taskBytes = float64(inuse()-before) / n
		g.Close(context.Background())
	}
	b.ReportMetric(rawBytes, "B/goroutine")
	b.ReportMetric(taskBytes, "B/task")
	b.ReportMetric(taskBytes-rawBytes, "B/task-overhead")
}

// BenchmarkDelete10k deletes one task by name from a group of 10,000 and
// adds one back, so the group stays at 10,000: the cost of Delete must not
// grow with the group (issue 13, target 5). The tasks are deferred, so no
// goroutine runs and the figure is the bookkeeping's.
func BenchmarkDelete10k(b *testing.B) {
	const n = 10_000
	g := quietGroup()
	names := make([]string, n)
	for i := range names {
		names[i] = MustAdd(g, trivial, i, WithName("d"), Deferred()).Name()
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % n
		if _, err := g.Delete(ctx, names[k]); err != nil {
			b.Fatal(err)
		}
		names[k] = MustAdd(g, trivial, k, WithName("d"), Deferred()).Name()
		i++
	}
}

// BenchmarkStatusSnapshotStats100 takes a snapshot of 100 running tasks
// that each have a quick stats function: what bounding a blocking stats
// function (stats.go) costs when none blocks.
func BenchmarkStatusSnapshotStats100(b *testing.B) {
	g := quietGroup()
	running := make(chan struct{}, 100)
	cancel := g.Watch(func(e Event) {
		if e.To == Running {
			running <- struct{}{}
		}
	})
	for i := 0; i < 100; i++ {
		MustAdd(g, parked, i, WithName("s"), WithStats(func() int { return 1 }))
	}
	for i := 0; i < 100; i++ {
		<-running
	}
	cancel()
	defer g.Close(context.Background())
	b.ReportAllocs()
	var dst []TaskStatus
	for b.Loop() {
		dst, _ = g.AppendSnapshot(dst[:0], SnapshotOptions{LogLines: 1})
		if len(dst) != 100 || string(dst[99].Stats) != "1" {
			b.Fatal(len(dst))
		}
	}
}

// BenchmarkStatusAppendJSON writes the JSON of one status whose strings
// need escaping here and there (the status verb's -o json, per task).
func BenchmarkStatusAppendJSON(b *testing.B) {
	st := TaskStatus{Name: "kitchen_leds", Group: "default", State: Error,
		ResultText: "<nil>", Error: "read \"/dev/spidev0.0\": permission denied – été",
		ErrorType: "Error", Traceback: "goroutine 7 [running]:\n\tmain.run()\n\t/src/main.go:12 +0x1d\n",
		Log: []string{"2015-01-01 00:00:19 [pyb] [INFO] [kitchen_leds] started", "a & b <c>"}}
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		var err error
		if buf, err = st.AppendJSON(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
