package aiomqtt

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control/api"
)

// reportPercentiles reports p50 and p99 of the durations in µs.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkRoundTrip: one request (is-active blink) and its correlated
// reply, client → broker → device → broker → client, on loopback.
func BenchmarkRoundTrip(b *testing.B) {
	b.Run("mochi", func(b *testing.B) { benchRoundTrip(b, startBroker(b, "127.0.0.1:0").URL()) })
	b.Run("mosquitto", func(b *testing.B) { benchRoundTrip(b, startMosquitto(b).url()) })
}

func benchRoundTrip(b *testing.B, url string) {
	startDevice(b, url, "dev", newGroup(b, "blink"), func(a *Args) { a.Rate, a.Burst = 1e9, 1<<30 })
	c := dial(b, url)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		a := c.Exec(ctx, []string{"dev"}, []string{"is-active", "blink"}, api.Options{})[0]
		lat = append(lat, time.Since(t0))
		if a.Err != nil || !a.Response.OK {
			b.Fatalf("%+v", a)
		}
	}
	reportPercentiles(b, lat)
}

// BenchmarkStateChange100x20: 100 devices with 20 tasks each on one
// broker; a task stops or starts, and a subscriber of homie/5/+/+/state
// sees the retained value. Also: heap per device.
func BenchmarkStateChange100x20(b *testing.B) {
	const devices, tasks = 100, 20
	br := startBroker(b, "127.0.0.1:0")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	groups := make([]*aioctl.Group, devices)
	names := make([]string, tasks)
	for j := range names {
		names[j] = fmt.Sprint("task_", j)
	}
	for i := range groups {
		groups[i] = newGroup(b, names...)
		startDevice(b, br.URL(), fmt.Sprint("d", i), groups[i])
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap, gor := float64(after.HeapAlloc-before.HeapAlloc)/devices/1024, float64(runtime.NumGoroutine())/devices
	s := sniff(b, br.URL(), "homie/5/+/+/state")
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		dev, task := i%devices, (i/devices)%tasks
		i++
		g := groups[dev]
		topic := fmt.Sprintf("homie/5/d%d/task-%d/state", dev, task)
		t0 := time.Now()
		want := "stopped"
		if st, _ := g.Get(names[task]); st.State() == aioctl.Running {
			g.Stop(ctx, names[task])
		} else {
			g.Start(names[task])
			want = "running"
		}
		s.waitFor(b, topic, want)
		lat = append(lat, time.Since(t0))
	}
	reportPercentiles(b, lat)
	b.ReportMetric(heap, "heap-KiB/device") // broker and subscriber included
	b.ReportMetric(gor, "goroutines/device")
}

// BenchmarkFleetOnMosquitto1000: how long 1000 devices (one task each)
// take to be ready on one mosquitto, and what the device side costs.
func BenchmarkFleetOnMosquitto1000(b *testing.B) {
	const devices = 1000
	for b.Loop() {
		m := startMosquitto(b)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		stops := make([]func(), devices)
		for i := range devices {
			_, stops[i] = startDevice(b, m.url(), fmt.Sprint("m", i), newGroup(b, "blink"))
		}
		ready := time.Since(t0)
		runtime.GC()
		runtime.ReadMemStats(&after)
		c := dial(b, m.url())
		devs, err := c.Devices(context.Background(), "m*")
		if err != nil || len(devs) != devices {
			b.Fatalf("%d devices listed, %v", len(devs), err)
		}
		b.ReportMetric(ready.Seconds(), "s-to-all-ready")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/devices/1024, "heap-KiB/device")
		for _, s := range stops {
			s()
		}
		m.stop()
	}
}
