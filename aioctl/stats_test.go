package aioctl

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
)

// counter is task arguments that report stats (a pointer: the task and
// its stats share the count).
type counter struct{ n atomic.Int64 }

func (c *counter) Stats() map[string]any { return map[string]any{"count": c.n.Load()} }

type panicky struct{}

func (panicky) Stats() map[string]any { panic("stats exploded") }

func countUp(ctx context.Context, c *counter) (int, error) {
	c.n.Add(3)
	<-ctx.Done()
	return 0, nil
}

func waitCtx(ctx context.Context, _ panicky) (int, error) { <-ctx.Done(); return 0, nil }

func TestStatsComeFromArgsAndWithStats(t *testing.T) {
	g, _ := newTestGroup(t)
	type reading struct {
		Temp float64 `json:"temp_c"`
	}
	ready := stateWaiter(t, g, "typed", Running)
	c := &counter{}
	c.n.Store(4)
	MustAdd(g, countUp, c, WithName("args"), Deferred())
	MustAdd(g, func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }, 0,
		WithName("typed"), WithStats(func() reading { return reading{Temp: 25.5} }))
	MustAdd(g, func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }, 0,
		WithName("plain"), Deferred())
	ready()

	sts, err := g.Status()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, st := range sts {
		got[st.Name] = string(st.Stats)
		if st.StatsError != "" {
			t.Errorf("%s: stats error %q", st.Name, st.StatsError)
		}
	}
	want := map[string]string{"args": `{"count":4}`, "typed": `{"temp_c":25.5}`, "plain": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s stats = %q, want %q", k, got[k], v)
		}
	}
	tk, _ := g.Get("plain")
	if tk.HasStats() {
		t.Error("plain: HasStats with no source")
	}
}

func TestPanickingStatsDoesNotBreakTheOthers(t *testing.T) {
	g, _ := newTestGroup(t)
	MustAdd(g, waitCtx, panicky{}, WithName("bad"), Deferred())
	MustAdd(g, func(ctx context.Context, _ int) (int, error) { return 0, nil }, 0,
		WithName("chan"), Deferred(), WithStats(func() any { return map[string]any{"c": make(chan int)} }))
	MustAdd(g, countUp, &counter{}, WithName("good"), Deferred())

	sts, err := g.Status()
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 3 {
		t.Fatalf("got %d statuses, want 3", len(sts))
	}
	if sts[0].Stats != nil || !strings.Contains(sts[0].StatsError, "stats exploded") {
		t.Errorf("bad: stats %s error %q, want the panic named", sts[0].Stats, sts[0].StatsError)
	}
	if sts[1].Stats != nil || !strings.Contains(sts[1].StatsError, "chan") {
		t.Errorf("chan: stats %s error %q, want the JSON error", sts[1].Stats, sts[1].StatsError)
	}
	if string(sts[2].Stats) != `{"count":0}` || sts[2].StatsError != "" {
		t.Errorf("good: stats %s error %q", sts[2].Stats, sts[2].StatsError)
	}
}

// TestStatsFromArgsOfAnInterfaceType: arguments whose static type is an
// interface (any, Statser) report stats when their value is a Statser,
// and a clone of such a task does too (the task record keeps the stats
// bookkeeping only for argument types that may be Statsers).
func TestStatsFromArgsOfAnInterfaceType(t *testing.T) {
	g, _ := newTestGroup(t)
	c := &counter{}
	c.n.Store(7)
	wait := func(ctx context.Context, _ any) (int, error) { <-ctx.Done(); return 0, nil }
	MustAdd(g, wait, any(c), WithName("any"), Deferred())
	MustAdd(g, func(ctx context.Context, _ Statser) (int, error) { <-ctx.Done(); return 0, nil },
		Statser(c), WithName("iface"), Deferred())
	MustAdd(g, wait, any(1), WithName("anyint"), Deferred())
	if _, err := g.Clone("any", "anyclone", nil); err != nil {
		t.Fatal(err)
	}
	sts, err := g.Status()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"any": `{"count":7}`, "iface": `{"count":7}`, "anyint": "", "anyclone": `{"count":7}`}
	for _, st := range sts {
		if string(st.Stats) != want[st.Name] || st.StatsError != "" {
			t.Errorf("%s: stats %q (error %q), want %q", st.Name, st.Stats, st.StatsError, want[st.Name])
		}
	}
	if len(sts) != len(want) {
		t.Errorf("%d statuses, want %d", len(sts), len(want))
	}
}
