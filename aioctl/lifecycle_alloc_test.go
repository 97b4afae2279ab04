//go:build !tinygo

package aioctl

import (
	"context"
	"testing"
)

// TestLifecycleAllocations holds issue 13's gain without timing: a task
// that is added, runs once and ends, and whose end is waited for, costs at
// most 4 allocations (its record with its first run's context, its
// goroutine's closure, the exit channel Done made, its de-duplicated name),
// where it cost 5 when the run context was allocated apart. The group's map
// growth is spread over the 1,000 tasks (a fraction of one).
func TestLifecycleAllocations(t *testing.T) {
	const n = 1000
	g, _ := newTestGroup(t)
	name := WithName("t")
	MustAdd(g, trivial, 1, name) // the first "t" has no suffix to allocate
	allocs := testing.AllocsPerRun(1, func() {
		for i := 0; i < n; i++ {
			tk := MustAdd(g, trivial, 1, name)
			<-tk.Done()
			if tk.Result() != 1 {
				t.Fatalf("task %s: result %v, want 1", tk.Name(), tk.Result())
			}
		}
	}) / n
	if allocs > 4.1 {
		t.Errorf("a task lifecycle costs %.2f allocations, want at most 4.1", allocs)
	}
}

// TestRestartGetsItsOwnContext: the first run's context, which is part of
// the task record, is not reused by a later start: a context kept from the
// first run stays cancelled, with its value, while the second run goes on.
func TestRestartGetsItsOwnContext(t *testing.T) {
	g, _ := newTestGroup(t)
	ctxs := make(chan context.Context, 2)
	tk := MustAdd(g, func(ctx context.Context, _ int) (int, error) {
		ctxs <- ctx
		<-ctx.Done()
		return 0, nil
	}, 0, WithName("r"))
	first := <-ctxs
	if _, err := g.Stop(context.Background(), "r"); err != nil {
		t.Fatal(err)
	}
	if ok, err := tk.Start(); !ok || err != nil {
		t.Fatalf("Start = %v, %v", ok, err)
	}
	second := <-ctxs
	if first == second {
		t.Fatal("the second start reused the first run's context")
	}
	if first.Err() == nil {
		t.Error("the first run's context is no longer cancelled after a restart")
	}
	select {
	case <-first.Done():
	default:
		t.Error("the first run's Done is open again after a restart")
	}
	if second.Err() != nil {
		t.Errorf("the running second run's context has error %v", second.Err())
	}
	if FromContext(first) != tk || FromContext(second) != tk {
		t.Error("FromContext lost the task")
	}
}
