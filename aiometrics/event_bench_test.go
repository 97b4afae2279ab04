package aiometrics

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// BenchmarkEventsOfAStartStop is what the metrics do for one start and
// stop of a task: the watcher's work on its three events (running,
// stopping, stopped), without the task itself. Set against
// BenchmarkStartStop/metrics=false, it is the metrics' share of a task's
// start/stop, measured without the scheduler noise of two goroutines.
func BenchmarkEventsOfAStartStop(b *testing.B) {
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer g.Close(context.Background())
	in, _ := control.NewInterp(control.Components{Group: g})
	m := New(in)
	defer m.Close()
	t := aioctl.MustAdd(g, func(ctx context.Context, _ int) (int, error) { return 0, nil }, 0,
		aioctl.WithName("t"), aioctl.Deferred())
	t0 := time.Now()
	evs := []aioctl.Event{
		{Task: t, Name: "t", From: aioctl.Stopped, To: aioctl.Running, Cause: aioctl.CauseUser, Time: t0},
		{Task: t, Name: "t", From: aioctl.Running, To: aioctl.Stopping, Cause: aioctl.CauseUser, Time: t0},
		{Task: t, Name: "t", From: aioctl.Stopping, To: aioctl.Stopped, Cause: aioctl.CauseUser, Time: t0.Add(time.Millisecond)},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range evs {
			m.onEvent(e)
		}
	}
}
