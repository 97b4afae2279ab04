package aioctl

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestDeleteRacingStartLeavesNoRunningTask(t *testing.T) {
	g, _ := newTestGroup(t)
	wr := stateWaiter(t, g, "w", Running)
	task := MustAdd(g, block, struct{}{}, WithName("w"))
	wr()
	startErr := make(chan error, 1)
	unwatch := g.Watch(func(ev Event) { // a concurrent Start, made deterministic
		if ev.Name == "w" && ev.To == Stopped && ev.Cause == CauseUser {
			_, err := ev.Task.Start()
			startErr <- err
		}
	})
	defer unwatch()
	if _, err := g.Delete(context.Background(), "w"); err != nil {
		t.Fatal(err)
	}
	if st := task.State(); st.Active() {
		t.Fatalf("deleted task is %v, outside its group", st)
	}
	if err := <-startErr; !errors.Is(err, ErrDeleted) {
		t.Fatalf("start of a deleted task: %v", err)
	}
}

func TestStopEventsArriveInOrder(t *testing.T) {
	for i := 0; i < 50; i++ {
		g, _ := newTestGroup(t)
		var mu sync.Mutex
		var seen []State
		g.Watch(func(ev Event) {
			mu.Lock()
			seen = append(seen, ev.To)
			mu.Unlock()
		})
		wr := stateWaiter(t, g, "block", Running)
		MustAdd(g, block, struct{}{})
		wr()
		if _, err := g.Stop(context.Background(), "block"); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		got := append([]State(nil), seen...)
		mu.Unlock()
		if len(got) != 3 || got[0] != Running || got[1] != Stopping || got[2] != Stopped {
			t.Fatalf("run %d: events %v, want running, stopping, stopped", i, got)
		}
	}
}

func TestEachTaskGetsItsOwnStopTimeout(t *testing.T) {
	g, fc := newTestGroup(t)
	release := make(chan struct{})
	defer close(release)
	stubborn := func(ctx context.Context, _ struct{}) (int, error) { <-release; return 0, nil }
	for _, c := range []struct {
		name string
		d    time.Duration
	}{{"slow10", 10 * time.Second}, {"quick1", time.Second}} {
		w := stateWaiter(t, g, c.name, Running)
		MustAdd(g, stubborn, struct{}{}, WithName(c.name), WithStopTimeout(c.d))
		w()
	}
	errc := make(chan error)
	go func() {
		_, err := g.Stop(context.Background(), "*")
		errc <- err
	}()
	// After 1 s only quick1 is reported; slow10 is still given time.
	fc.WaitTimers(1, nil)
	if next, _ := fc.Next(); next.Sub(fc.Now()) != time.Second {
		t.Fatalf("first stop deadline in %v, want 1s", next.Sub(fc.Now()))
	}
	fc.Advance(time.Second)
	fc.WaitTimers(1, nil) // Stop re-armed its timer for slow10: quick1 is done with
	if !mustGet(t, g, "quick1").snapshotUnresponsive() {
		t.Fatal("quick1 not marked unresponsive after its 1 s")
	}
	if mustGet(t, g, "slow10").snapshotUnresponsive() {
		t.Fatal("slow10 marked unresponsive before its 10 s")
	}
	if next, _ := fc.Next(); next.Sub(fc.Now()) != 9*time.Second {
		t.Fatalf("second deadline in %v, want 9s", next.Sub(fc.Now()))
	}
	fc.Advance(9 * time.Second)
	err := <-errc
	if !errors.Is(err, ErrStopTimeout) || !mustGet(t, g, "slow10").snapshotUnresponsive() {
		t.Fatalf("err = %v", err)
	}
}

func (t *Task) snapshotUnresponsive() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unresponsive
}

func TestGaveUpCountsRestartsInWindowAfterStableRuns(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	p := RestartPolicy{Mode: OnFailure, Delay: time.Second, Factor: 1, Budget: 1, Window: time.Hour, ResetAfter: time.Minute}
	MustAdd(g, failingTask(gate), struct{}{}, WithName("s"), WithRestart(p))
	w := stateWaiter(t, g, "s", Restarting)
	gate <- struct{}{}
	w()
	wr := stateWaiter(t, g, "s", Running)
	fc.WaitTimers(1, nil)
	fc.Advance(time.Second)
	wr()
	fc.Advance(2 * time.Minute) // a stable run: the backoff resets, the budget does not
	wg := stateWaiter(t, g, "s", GaveUp)
	gate <- struct{}{}
	wg()
	if st, _ := g.Status("s"); st[0].Restarts != 1 {
		t.Fatalf("gave up after %d restarts, want 1", st[0].Restarts)
	}
}

func TestStopWithCancelledContextDoesNotCallTaskUnresponsive(t *testing.T) {
	g, _ := newTestGroup(t)
	release := make(chan struct{})
	w := stateWaiter(t, g, "slow", Running)
	MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { <-release; return 0, nil }, struct{}{}, WithName("slow"))
	w()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := g.Stop(ctx, "slow")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrStopTimeout) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if mustGet(t, g, "slow").snapshotUnresponsive() {
		t.Fatal("marked unresponsive though its stop timeout had not passed")
	}
	ws := stateWaiter(t, g, "slow", Stopped)
	close(release)
	ws()
}
