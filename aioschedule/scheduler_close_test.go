//go:build !tinygo

package aioschedule

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// A closed scheduler leaves the group's status: no schedule part, and the
// group no longer holds it (its status extender is removed), so it can be
// collected while the group lives on.
func TestCloseLeavesStatus(t *testing.T) {
	clk := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(clk))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Close(ctx)
	})
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	wp := func() weak.Pointer[Scheduler] {
		s := New(g)
		if _, err := Add(s, noop, struct{}{}, Spec{StartIn: time.Minute}, aioctl.WithName("later")); err != nil {
			t.Fatal(err)
		}
		if st, _ := g.Status("later"); st[0].Schedule == nil {
			t.Fatal("scheduled task without a schedule part")
		}
		s.Close()
		return weak.Make(s)
	}()
	if st, _ := g.Status("later"); st[0].Schedule != nil {
		t.Errorf("after Close: schedule part %+v", st[0].Schedule)
	}
	runtime.GC()
	runtime.GC()
	if wp.Value() != nil {
		t.Error("the group still holds the closed scheduler")
	}
	runtime.KeepAlive(g)
}
