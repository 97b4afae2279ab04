package top

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/aiotools-go/aiotools/aioctl"
)

// fleetModel is a screen of n devices of k tasks each.
func fleetModel(n, k, w, h int) Model {
	m := New(&fake{}, Options{Now: func() time.Time { return t0 }})
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for i := range n {
		d := device(fmt.Sprintf("dev%03d", i), true)
		base := d.Tasks
		d.Tasks = nil
		for j := range k {
			ts := base[j%len(base)]
			ts.Name = fmt.Sprintf("%s_%02d", ts.Name, j)
			d.Tasks = append(d.Tasks, ts)
		}
		tm, _ = tm.Update(snapMsg(d))
	}
	return tm.(Model)
}

// What an idle top does each second: the tick that moves the relative
// times, and the redraw. cpu-% is that work as a share of one core.
func BenchmarkIdleSecond(b *testing.B) {
	for _, size := range []struct{ n, k, w, h int }{{1, 13, 80, 24}, {100, 20, 80, 24}, {100, 20, 200, 60}} {
		b.Run(fmt.Sprintf("%dx%d-%dx%d", size.n, size.k, size.w, size.h), func(b *testing.B) {
			m := fleetModel(size.n, size.k, size.w, size.h)
			var tm tea.Model = m
			now := t0
			b.ReportAllocs()
			for b.Loop() {
				now = now.Add(time.Second)
				tm, _ = tm.Update(tickMsg(now))
				_ = tm.View()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "cpu-%")
		})
	}
}

// From a task's state change in the program to a screen that shows it:
// the watch event over the socket, the status and stats snapshot it
// triggers, Update and View (bubbletea's renderer then writes the frame
// at its next tick, at most 1/60 s later). Reports the p50 and p99.
func BenchmarkChangeToScreen(b *testing.B) {
	g := aioctl.NewGroup(aioctl.WithGroupName("bench"))
	wait := func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil }
	for i := range 20 {
		aioctl.MustAdd(g, wait, struct{}{}, aioctl.WithName(fmt.Sprintf("task%02d", i)))
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	cl, _ := serve(b, g)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &Local{Client: cl, Where: "bench", StatsEvery: time.Hour}
	updates := make(chan Snapshot, 16)
	done := make(chan struct{})
	go func() { src.Run(ctx, updates); close(done) }()
	defer func() { cancel(); <-done }()
	var tm tea.Model = New(src, Options{})
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	shows := func(state string) bool {
		for _, l := range strings.Split(tm.View(), "\n") {
			if strings.Contains(l, "task07 ") {
				return strings.Contains(l, state)
			}
		}
		return false
	}
	for !shows("RUNNING") {
		tm, _ = tm.Update(snapMsg(<-updates))
	}
	var lat []time.Duration
	running := true
	for b.Loop() {
		start := time.Now()
		want := "STOPPED"
		if running {
			g.Stop(ctx, "task07")
		} else {
			want = "RUNNING"
			g.Start("task07")
		}
		running = !running
		for !shows(want) {
			tm, _ = tm.Update(snapMsg(<-updates))
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
