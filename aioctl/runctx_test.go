package aioctl

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// childrenSeen is what a task saw of contexts derived from its own.
type childrenSeen struct {
	spawned   int // goroutines started by deriving them
	children  []context.Context
	callbacks chan struct{} // one receive per AfterFunc callback run
	stopped   bool          // a stopped AfterFunc reported that it stopped
	task      *Task         // FromContext of a grandchild
	ready     chan struct{} // closed once all are made
	err       error         // the run context's error when the function returned
}

// deriveAndWait derives nChildren WithCancel children, nChildren
// context.AfterFunc callbacks and one stopped callback from ctx, counting
// the goroutines this starts, then waits for the stop.
func deriveAndWait(seen *childrenSeen) Func[int, int] {
	return func(ctx context.Context, _ int) (int, error) {
		before := runtime.NumGoroutine()
		var cancels []context.CancelFunc
		for i := 0; i < nChildren; i++ {
			c, cancel := context.WithCancel(ctx)
			cancels = append(cancels, cancel)
			seen.children = append(seen.children, c)
			context.AfterFunc(ctx, func() { seen.callbacks <- struct{}{} })
		}
		grand, cancelGrand := context.WithTimeout(seen.children[0], time.Hour)
		defer cancelGrand()
		seen.task = FromContext(grand)
		stop := context.AfterFunc(ctx, func() { seen.callbacks <- struct{}{} })
		seen.stopped = stop()
		// A child cancelled by itself leaves the run's list of callbacks.
		own, ownCancel := context.WithCancel(ctx)
		ownCancel()
		<-own.Done()
		seen.spawned = runtime.NumGoroutine() - before
		close(seen.ready)
		<-ctx.Done()
		seen.err = ctx.Err()
		_ = cancels // cancelled by the stop, through ctx
		return 0, ctx.Err()
	}
}

func TestRunContextCancelsChildrenAndAfterFuncsWithoutGoroutines(t *testing.T) {
	g, _ := newTestGroup(t)
	seen := &childrenSeen{callbacks: make(chan struct{}, 2*nChildren), ready: make(chan struct{})}
	tk := MustAdd(g, deriveAndWait(seen), 0, WithName("deriver"))
	<-seen.ready
	// A goroutine per derived context would add 2*nChildren; the bound
	// leaves room for goroutines of earlier tests ending or starting meanwhile.
	if seen.spawned >= nChildren {
		t.Errorf("deriving %d children and %d AfterFuncs started %d goroutines, want none", nChildren, nChildren, seen.spawned)
	}
	if seen.task != tk {
		t.Errorf("FromContext of a grandchild = %v, want the task", seen.task)
	}
	if !seen.stopped {
		t.Error("stop of an AfterFunc before the cancel reported false")
	}
	tk.mu.Lock()
	pending := 0
	tk.run.mu.Lock()
	for a := tk.run.afters; a != nil; a = a.next {
		pending++
	}
	tk.run.mu.Unlock()
	tk.mu.Unlock()
	if pending != 2*nChildren {
		t.Errorf("%d callbacks registered on the run, want %d (the stopped and the self-cancelled ones leave)", pending, 2*nChildren)
	}
	if _, err := g.Stop(context.Background(), "deriver"); err != nil {
		t.Fatal(err)
	}
	for i, c := range seen.children {
		select {
		case <-c.Done():
		default:
			t.Fatalf("child %d not cancelled by the stop", i)
		}
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("child %d: Err = %v, want context.Canceled", i, c.Err())
		}
	}
	for i := 0; i < nChildren; i++ {
		select {
		case <-seen.callbacks:
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d of %d AfterFunc callbacks ran", i, nChildren)
		}
	}
	select {
	case <-seen.callbacks:
		t.Error("a stopped AfterFunc callback ran")
	default:
	}
	if !errors.Is(seen.err, context.Canceled) || tk.State() != Stopped {
		t.Errorf("run context error %v, state %v; want context.Canceled, stopped", seen.err, tk.State())
	}
}

func TestGroupContextCancelReachesRunAndChildren(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	g, _ := newTestGroup(t, WithContext(parent))
	gotChild := make(chan context.Context, 1)
	tk := MustAdd(g, func(ctx context.Context, _ int) (int, error) {
		c, cancel := context.WithCancel(ctx)
		defer cancel()
		gotChild <- c
		<-c.Done()
		return 0, context.Cause(ctx)
	}, 0, WithName("child"))
	child := <-gotChild
	cancelParent()
	<-tk.Done()
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("child Err = %v, want context.Canceled", child.Err())
	}
	if tk.State() != Stopped {
		t.Errorf("state %v, want stopped", tk.State())
	}
	// A run started after the group's context ended is cancelled at once.
	ran := make(chan error, 1)
	MustAdd(g, func(ctx context.Context, _ int) (int, error) {
		ran <- ctx.Err()
		return 0, nil
	}, 0)
	if err := <-ran; !errors.Is(err, context.Canceled) {
		t.Errorf("a run in a cancelled group sees Err = %v, want context.Canceled", err)
	}
}

func TestDoneOfEndedRunIsClosed(t *testing.T) {
	g, _ := newTestGroup(t)
	tk := MustAdd(g, func(context.Context, int) (int, error) { return 1, nil }, 1, WithName("quick"))
	<-tk.Done()
	select {
	case <-tk.Done(): // asked again after the exit: the shared closed channel
	default:
		t.Fatal("Done of an ended run is not closed")
	}
	if tk.State() != Done || tk.Result() != 1 {
		t.Errorf("state %v result %v", tk.State(), tk.Result())
	}
}

// A task that returns on its own cancels what it derived from its context
// before its Done channel closes.
func TestChildrenCancelledBeforeDoneCloses(t *testing.T) {
	g, _ := newTestGroup(t)
	for i := 0; i < 20; i++ {
		var child context.Context
		called := make(chan struct{})
		tk := MustAdd(g, func(ctx context.Context, _ int) (int, error) {
			var cancel context.CancelFunc
			child, cancel = context.WithCancel(ctx)
			_ = cancel // not called: the run's end must cancel the child, which this test checks
			context.AfterFunc(ctx, func() { close(called) })
			return 0, nil
		}, 0, WithName("returns"))
		<-tk.Done()
		if child.Err() == nil {
			t.Fatalf("round %d: a child of the run is not cancelled when Done closes", i)
		}
		select {
		case <-called:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: AfterFunc callback did not run", i)
		}
	}
}

// AppendSnapshot into a reused slice leaves nothing of what it held
// before, and a snapshot of no task is an empty list, not nil.
func TestAppendSnapshotReusesWithoutStaleFields(t *testing.T) {
	g, _ := newTestGroup(t)
	if sts, _ := g.Snapshot(SnapshotOptions{}); sts == nil {
		t.Error("snapshot of an empty group is nil (JSON null), want an empty list")
	}
	MustAdd(g, func(context.Context, int) (int, error) { return 1, nil }, 1, WithName("a"), Deferred())
	MustAdd(g, func(context.Context, int) (int, error) { return 2, nil }, 2, WithName("b"), Deferred())
	want, _ := g.Snapshot(SnapshotOptions{Debug: true})
	old := []TaskStatus{{Name: "stale", Schedule: &ScheduleInfo{Opts: "x"}, Log: []string{"old"}, Children: []ChildStatus{{Name: "c"}}},
		{Name: "stale2", Error: "e"}, {Name: "stale3"}}
	got, _ := g.AppendSnapshot(old[:0], SnapshotOptions{Debug: true})
	if len(got) != 2 || &got[0] != &old[0] {
		t.Fatalf("AppendSnapshot did not reuse the slice: %d statuses", len(got))
	}
	for i := range want {
		wj, _ := want[i].AppendJSON(nil)
		gj, _ := got[i].AppendJSON(nil)
		if string(gj) != string(wj) {
			t.Errorf("status %d: %s, want %s", i, gj, wj)
		}
	}
}
