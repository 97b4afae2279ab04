package control_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
)

// TestBlockingStatsDoesNotHangStatusOrStats: a task whose Stats() blocks
// (it must not) used to hang `aioctl stats` and `aioctl status` for the
// whole program; now both answer after the group's stats timeout (twice
// it at most), that task's entry saying so, the others' as usual.
func TestBlockingStatsDoesNotHangStatusOrStats(t *testing.T) {
	fc := clock.NewFake(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	g := aioctl.NewGroup(aioctl.WithClock(fc))
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	t.Cleanup(func() {
		close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	park := func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }
	aioctl.MustAdd(g, park, 0, aioctl.WithName("stuck"), aioctl.Deferred(), aioctl.WithStats(func() int {
		entered <- struct{}{}
		<-release
		return 1
	}))
	aioctl.MustAdd(g, park, 0, aioctl.WithName("fine"), aioctl.Deferred(), aioctl.WithStats(func() int { return 42 }))
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	bail := make(chan struct{})
	stop := time.AfterFunc(5*time.Second, func() { close(bail) })
	defer stop.Stop()

	got := make(chan *control.Result, 1)
	go func() { got <- in.Exec(t.Context(), []string{"stats"}, control.Options{}) }()
	select {
	case <-entered:
	case <-bail:
		t.Fatal("stats did not call the stats function")
	}
	for range 2 {
		if !fc.WaitTimers(1, bail) {
			t.Fatal("stats waits for a blocked Stats() with no deadline")
		}
		next, _ := fc.Next()
		fc.Set(next)
	}
	var res *control.Result
	select {
	case res = <-got:
	case <-bail:
		t.Fatal("stats hangs on a blocked Stats()")
	}
	if !strings.Contains(res.Text, "stats: did not return within 1s") || !strings.Contains(res.Text, "42") {
		t.Errorf("stats text:\n%s", res.Text)
	}

	// status, while it is still blocked: at once, in text and in JSON.
	go func() { got <- in.Exec(t.Context(), []string{"status"}, control.Options{JSON: true}) }()
	select {
	case res = <-got:
	case <-bail:
		t.Fatal("status hangs on a blocked Stats()")
	}
	b, _ := json.Marshal(res.Data)
	if !strings.Contains(string(b), `"stats_error":"stats: did not return within 1s (still blocked`) ||
		!strings.Contains(string(b), `"stats":42`) {
		t.Errorf("status JSON: %s", b)
	}
}
