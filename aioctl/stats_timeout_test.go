package aioctl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func parkedUntilStop(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }

// A stats function that blocks (it must not, but a bug or a lock can make
// it) costs a snapshot at most two stats timeouts, names that task, and
// spares the others; the next snapshot does not wait for it again while
// it is still blocked, and once it returns its stats come back.
func TestBlockingStatsTimesOutAndSparesTheOthers(t *testing.T) {
	g, fc := newTestGroup(t)
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	calls := 0
	MustAdd(g, parkedUntilStop, 0, WithName("stuck"), Deferred(), WithStats(func() int {
		calls++
		entered <- struct{}{}
		<-release
		return 7
	}))
	MustAdd(g, countUp, &counter{}, WithName("good"), Deferred())

	bail := make(chan struct{})
	stopBail := time.AfterFunc(5*time.Second, func() { close(bail) })
	defer stopBail.Stop()
	snapshot := func() <-chan []TaskStatus {
		ch := make(chan []TaskStatus, 1)
		go func() { sts, _ := g.Status(); ch <- sts }()
		return ch
	}
	base := fc.Timers()
	start := fc.Now()
	got := snapshot()
	select {
	case <-entered:
	case <-bail:
		t.Fatal("the stats function was not called")
	}
	for i := 0; i < 2; i++ {
		if !fc.WaitTimers(base+1, bail) {
			t.Fatal("status waits for a blocked stats function with no deadline")
		}
		fc.Advance(DefaultStatsTimeout)
	}
	var sts []TaskStatus
	select {
	case sts = <-got:
	case <-bail:
		t.Fatal("status did not return two stats timeouts after a stats function blocked")
	}
	if waited := fc.Now().Sub(start); waited > 2*DefaultStatsTimeout {
		t.Errorf("waited %v, want at most %v", waited, 2*DefaultStatsTimeout)
	}
	if len(sts) != 2 {
		t.Fatalf("got %d statuses, want 2", len(sts))
	}
	want := "stats: did not return within " + DefaultStatsTimeout.String()
	if sts[0].Stats != nil || !strings.HasPrefix(sts[0].StatsError, want) {
		t.Errorf("stuck: stats %s error %q, want %q", sts[0].Stats, sts[0].StatsError, want)
	}
	if string(sts[1].Stats) != `{"count":0}` || sts[1].StatsError != "" {
		t.Errorf("good: stats %s error %q", sts[1].Stats, sts[1].StatsError)
	}

	// Still blocked: the next snapshot answers at once, without calling it.
	select {
	case sts = <-snapshot():
	case <-bail:
		t.Fatal("a second status waited again for the blocked stats function")
	}
	if !strings.Contains(sts[0].StatsError, "still blocked") || string(sts[1].Stats) != `{"count":0}` {
		t.Errorf("second status: stuck %q, good %s", sts[0].StatsError, sts[1].Stats)
	}
	tk, _ := g.Get("stuck")
	if _, err := tk.Stats(); !errors.Is(err, ErrStatsTimeout) {
		t.Errorf("Task.Stats while blocked: %v, want ErrStatsTimeout", err)
	}

	// It returns: its stats are back.
	unstuck := make(chan struct{})
	hook := func(returned *Task) {
		if returned == tk {
			close(unstuck)
		}
	}
	testHookStatsReturned.Store(&hook)
	defer testHookStatsReturned.Store(nil)
	close(release)
	select {
	case <-unstuck:
	case <-bail:
		t.Fatal("the abandoned call's return was not noticed")
	}
	b, err := tk.Stats()
	if string(b) != "7" || err != nil {
		t.Errorf("after it returned: %s, %v", b, err)
	}
	if calls != 2 {
		t.Errorf("stats function called %d times, want 2 (not while blocked)", calls)
	}
}

// WithStatsTimeout sets the wait; Task.Stats reports it as a
// *StatsTimeoutError.
func TestWithStatsTimeout(t *testing.T) {
	g, fc := newTestGroup(t, WithStatsTimeout(250*time.Millisecond))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	entered := make(chan struct{}, 1)
	tk := MustAdd(g, parkedUntilStop, 0, WithName("slow"), Deferred(), WithStats(func() int {
		entered <- struct{}{}
		<-release
		return 1
	}))
	bail := make(chan struct{})
	stop := time.AfterFunc(5*time.Second, func() { close(bail) })
	defer stop.Stop()
	base := fc.Timers()
	got := make(chan error, 1)
	go func() { _, err := tk.Stats(); got <- err }()
	select {
	case <-entered: // the call has started: the two timeouts count from here
	case <-bail:
		t.Fatal("the stats function was not called")
	}
	for i := 0; i < 2; i++ {
		if !fc.WaitTimers(base+1, bail) {
			t.Fatal("Task.Stats waits with no deadline")
		}
		fc.Advance(250 * time.Millisecond)
	}
	var te *StatsTimeoutError
	select {
	case err := <-got:
		if !errors.As(err, &te) || te.After != 250*time.Millisecond || te.StillBlocked ||
			err.Error() != "did not return within 250ms" {
			t.Errorf("Task.Stats: %v, want a *StatsTimeoutError after 250ms", err)
		}
	case <-bail:
		t.Fatal("Task.Stats did not return")
	}
}
