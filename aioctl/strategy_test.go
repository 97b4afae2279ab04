package aioctl

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// supervised is a set of tasks a, b, c whose runs fail on command, with a
// record of the stops and restarts the supervisor made.
type supervised struct {
	g    *Group
	fail map[string]chan struct{} // a value makes the current run fail

	mu   sync.Mutex
	rec  []string
	more chan struct{} // a line was recorded
}

func newSupervised(t *testing.T, names ...string) *supervised {
	t.Helper()
	g, _ := newTestGroup(t)
	sv := &supervised{g: g, fail: map[string]chan struct{}{}, more: make(chan struct{}, 1)}
	for _, n := range names {
		ch := make(chan struct{}, 1)
		sv.fail[n] = ch
		if _, err := Add(g, func(ctx context.Context, _ struct{}) (int, error) {
			select {
			case <-ch:
				return 0, errors.New("scripted failure")
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}, struct{}{}, WithName(n)); err != nil {
			t.Fatal(err)
		}
	}
	cancel := g.Watch(func(e Event) {
		var line string
		switch {
		case e.To == Error && e.Cause == CauseExit:
			line = "fail " + e.Name
		case e.To == Stopped && e.Cause == CauseUser && e.From != Stopped:
			line = "stop " + e.Name
		case e.To == Running && e.Cause == CauseRestart:
			line = "start " + e.Name
		default:
			return
		}
		sv.mu.Lock()
		sv.rec = append(sv.rec, line)
		sv.mu.Unlock()
		select {
		case sv.more <- struct{}{}:
		default:
		}
	})
	t.Cleanup(cancel)
	return sv
}

// waitRecord waits until n lines are recorded and returns them.
func (sv *supervised) waitRecord(t *testing.T, n int) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		sv.mu.Lock()
		if len(sv.rec) >= n {
			s := strings.Join(sv.rec, ", ")
			sv.mu.Unlock()
			return s
		}
		sv.mu.Unlock()
		select {
		case <-sv.more:
		case <-deadline:
			sv.mu.Lock()
			defer sv.mu.Unlock()
			t.Fatalf("waited for %d lines, have %q", n, sv.rec)
			return ""
		}
	}
}

func TestStrategies(t *testing.T) {
	for _, tc := range []struct {
		strategy Strategy
		fail     string
		want     string
	}{
		{OneForOne, "b", "fail b, start b"},
		{OneForAll, "b", "fail b, stop c, stop a, start a, start b, start c"},
		{RestForOne, "b", "fail b, stop c, start b, start c"},
		{RestForOne, "c", "fail c, start c"},
		{RestForOne, "a", "fail a, stop c, stop b, start a, start b, start c"},
	} {
		t.Run(tc.strategy.String()+"/"+tc.fail, func(t *testing.T) {
			sv := newSupervised(t, "a", "b", "c")
			s, err := sv.g.Supervise(SupervisorSpec{Name: "sup", Strategy: tc.strategy}, "a", "b", "c")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sv.fail[tc.fail] <- struct{}{}
			if got := sv.waitRecord(t, strings.Count(tc.want, ",")+1); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// A second failure of the same task is handled the same way.
			sv.fail[tc.fail] <- struct{}{}
			want2 := tc.want + ", " + tc.want
			if got := sv.waitRecord(t, 2*(strings.Count(tc.want, ",")+1)); got != want2 {
				t.Errorf("after a second failure:\ngot  %s\nwant %s", got, want2)
			}
			for _, n := range []string{"a", "b", "c"} {
				if tk, _ := sv.g.Get(n); tk.State() != Running {
					t.Errorf("%s is %v after the restarts, want running", n, tk.State())
				}
			}
			if s.Restarts() != 2 || s.Err() != nil {
				t.Errorf("restarts %d, err %v; want 2, nil", s.Restarts(), s.Err())
			}
		})
	}
}

// TestIntensityGivesUpOnRPlusOneth: with at most 2 restarts in 10 s, the
// third failure within 10 s makes the supervisor give up; failures spread
// wider than that do not.
func TestIntensityGivesUpOnRPlusOneth(t *testing.T) {
	sv := newSupervised(t, "a", "b")
	fc := sv.g.clock.(interface{ Advance(time.Duration) })
	gaveUp := make(chan error, 1)
	s, err := sv.g.Supervise(SupervisorSpec{Name: "sup", Strategy: OneForAll,
		Intensity: Intensity{Restarts: 2, Period: 10 * time.Second},
		OnGiveUp:  func(err error) { gaveUp <- err }}, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	failA := func() string { // a fails; wait for its record: fail, stop b, start a, start b
		sv.fail["a"] <- struct{}{}
		n += 4
		return sv.waitRecord(t, n)
	}
	failA()
	fc.Advance(9 * time.Second)
	failA() // two restarts within 9 s: allowed
	fc.Advance(2 * time.Second)
	failA() // 11 s after the first: the first is out of the window
	if s.Err() != nil {
		t.Fatalf("gave up too early: %v", s.Err())
	}
	fc.Advance(time.Second)
	sv.fail["a"] <- struct{}{} // the third within 10 s (at 9, 11, 12)
	err = <-gaveUp
	if !errors.Is(err, ErrGaveUp) || s.Err() != err {
		t.Fatalf("err = %v, Err() = %v; want the GaveUpError", err, s.Err())
	}
	if want := `supervisor "sup" gave up: task "a" failed after 2 restarts within 10s (one_for_all)`; err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	<-s.Done()
	if tk, _ := sv.g.Get("b"); tk.State() != Stopped {
		t.Errorf("b is %v after giving up, want stopped", tk.State())
	}
	if s.Restarts() != 3 {
		t.Errorf("restarts = %d, want 3", s.Restarts())
	}
}

func TestRestartRingDoesNotGrow(t *testing.T) {
	r := newRestartRing(5)
	at := t0
	allocs := testing.AllocsPerRun(1, func() {
		for i := 0; i < 1_000_000; i++ {
			at = at.Add(time.Second) // 5 in 5 s at most: never exceeded
			if !r.allow(at, 5*time.Second) {
				t.Fatalf("refused failure %d", i)
			}
		}
	})
	if allocs != 0 || len(r.at) != 5 || cap(r.at) != 5 {
		t.Errorf("1M failures: %v allocations, ring len %d cap %d; want 0, 5, 5", allocs, len(r.at), cap(r.at))
	}
	if r.allow(at.Add(time.Nanosecond), 5*time.Second) {
		t.Error("a sixth restart within 5 s was allowed")
	}
}

func TestSuperviseRefusesUnknownNames(t *testing.T) {
	g, _ := newTestGroup(t)
	if _, err := g.Supervise(SupervisorSpec{}, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	var s Strategy
	if err := s.UnmarshalText([]byte("one_for_some")); err == nil || !strings.Contains(err.Error(), `unknown strategy "one_for_some"`) {
		t.Errorf("err = %v", err)
	}
}
