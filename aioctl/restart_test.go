package aioctl

import (
	"context"
	"errors"
	"testing"
	"time"
)

type outcome int

const (
	cleanReturn outcome = iota
	returnError
	panics
	explicitStop
)

func (o outcome) String() string {
	return [...]string{"clean return", "error", "panic", "explicit stop"}[o]
}

func TestRestartTable(t *testing.T) {
	want := map[RestartMode]map[outcome]bool{
		Never:     {cleanReturn: false, returnError: false, panics: false, explicitStop: false},
		OnFailure: {cleanReturn: false, returnError: true, panics: true, explicitStop: false},
		Always:    {cleanReturn: true, returnError: true, panics: true, explicitStop: false},
	}
	final := map[outcome]State{cleanReturn: Done, returnError: Error, panics: Error, explicitStop: Stopped}
	for mode, row := range want {
		for out, restarts := range row {
			t.Run(mode.String()+"/"+out.String(), func(t *testing.T) {
				g, fc := newTestGroup(t)
				runs := make(chan int, 4)
				n := 0
				fn := func(ctx context.Context, o outcome) (int, error) {
					n++
					runs <- n
					switch o {
					case returnError:
						return 0, errors.New("boom")
					case panics:
						panic("boom")
					case explicitStop:
						<-ctx.Done()
						return 0, ctx.Err()
					}
					return n, nil
				}
				wantState := final[out]
				if restarts {
					wantState = Restarting
				}
				w := stateWaiter(t, g, "job", wantState)
				wr := stateWaiter(t, g, "job", Running)
				MustAdd(g, fn, out, WithName("job"), WithRestart(RestartPolicy{Mode: mode, Delay: time.Second}))
				wr()
				<-runs
				if out == explicitStop {
					if _, err := g.Stop(context.Background(), "job"); err != nil {
						t.Fatal(err)
					}
				}
				w()
				if !restarts {
					if fc.Timers() != 0 {
						t.Fatalf("a timer is armed for a task that must not restart")
					}
					return
				}
				fc.WaitTimers(1, nil)
				fc.Advance(time.Second)
				if got := <-runs; got != 2 {
					t.Fatalf("run %d, want 2", got)
				}
			})
		}
	}
}

// failingTask fails each time it is let go through gate.
func failingTask(gate chan struct{}) Func[struct{}, int] {
	return func(ctx context.Context, _ struct{}) (int, error) {
		select {
		case <-gate:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return 0, errors.New("flaky")
	}
}

func TestBackoffGrowsCapsAndResetsAfterStableRun(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	p := RestartPolicy{Mode: OnFailure, Delay: time.Second, Factor: 2, MaxDelay: 5 * time.Second, ResetAfter: time.Minute}
	MustAdd(g, failingTask(gate), struct{}{}, WithName("flaky"), WithRestart(p))
	for i, want := range []time.Duration{1, 2, 4, 5, 5} {
		w := stateWaiter(t, g, "flaky", Restarting)
		gate <- struct{}{}
		w()
		st, _ := g.Status("flaky")
		if got := st[0].NextRestart.Sub(st[0].Ended); got != want*time.Second {
			t.Fatalf("restart %d: delay %v, want %v", i, got, want*time.Second)
		}
		wr := stateWaiter(t, g, "flaky", Running)
		fc.WaitTimers(1, nil)
		fc.Advance(want * time.Second)
		wr()
	}
	// A run that lasts ResetAfter resets the delay.
	fc.Advance(time.Minute)
	w := stateWaiter(t, g, "flaky", Restarting)
	gate <- struct{}{}
	w()
	st, _ := g.Status("flaky")
	if got := st[0].NextRestart.Sub(st[0].Ended); got != time.Second {
		t.Fatalf("after a stable run the delay is %v, want 1s", got)
	}
}

func TestJitterStaysWithinBound(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		g, _ := newTestGroup(t, WithRand(func() float64 { return r }))
		gate := make(chan struct{})
		MustAdd(g, failingTask(gate), struct{}{}, WithName("j"),
			WithRestart(RestartPolicy{Mode: OnFailure, Delay: 10 * time.Second, Jitter: 0.2}))
		w := stateWaiter(t, g, "j", Restarting)
		gate <- struct{}{}
		w()
		st, _ := g.Status("j")
		got := st[0].NextRestart.Sub(st[0].Ended)
		want := 10*time.Second + time.Duration(float64(2*time.Second)*r)
		if got != want || got < 10*time.Second || got > 12*time.Second {
			t.Fatalf("r=%v: delay %v, want %v within [10s,12s]", r, got, want)
		}
	}
}

func TestBudgetGivesUpUntilStartedByHand(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	p := RestartPolicy{Mode: Always, Delay: time.Second, Factor: 1, Budget: 3, Window: time.Minute}
	MustAdd(g, failingTask(gate), struct{}{}, WithName("b"), WithRestart(p))
	for i := 0; i < 3; i++ {
		w := stateWaiter(t, g, "b", Restarting)
		gate <- struct{}{}
		w()
		wr := stateWaiter(t, g, "b", Running)
		fc.WaitTimers(1, nil)
		fc.Advance(time.Second)
		wr()
	}
	w := stateWaiter(t, g, "b", GaveUp)
	gate <- struct{}{}
	w()
	st, _ := g.Status("b")
	if st[0].Restarts != 3 || st[0].Error != "flaky" {
		t.Fatalf("gave-up status %+v", st[0])
	}
	// Started by hand, it runs and gets a fresh budget.
	wr := stateWaiter(t, g, "b", Running)
	if ok, err := mustGet(t, g, "b").Start(); !ok || err != nil {
		t.Fatalf("start = %v %v", ok, err)
	}
	wr()
	w = stateWaiter(t, g, "b", Restarting)
	gate <- struct{}{}
	w()
}

func TestBudgetWindowForgetsOldRestarts(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	p := RestartPolicy{Mode: OnFailure, Delay: time.Second, Factor: 1, Budget: 1, Window: 10 * time.Second}
	MustAdd(g, failingTask(gate), struct{}{}, WithName("w"), WithRestart(p))
	w := stateWaiter(t, g, "w", Restarting)
	gate <- struct{}{}
	w()
	wr := stateWaiter(t, g, "w", Running)
	fc.WaitTimers(1, nil)
	fc.Advance(time.Second)
	wr()
	fc.Advance(20 * time.Second) // the restart above leaves the window
	w = stateWaiter(t, g, "w", Restarting)
	gate <- struct{}{}
	w()
}

func TestStopWhileWaitingToRestart(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	MustAdd(g, failingTask(gate), struct{}{}, WithName("r"),
		WithRestart(RestartPolicy{Mode: OnFailure, Delay: time.Hour}),
		WithOnStop(func(struct{}) int { return 99 }))
	w := stateWaiter(t, g, "r", Restarting)
	gate <- struct{}{}
	w()
	fc.WaitTimers(1, nil)
	if _, err := g.Stop(context.Background(), "r"); err != nil {
		t.Fatal(err)
	}
	tk := mustGet(t, g, "r")
	if tk.State() != Stopped || tk.Result() != 99 {
		t.Fatalf("state %v result %v", tk.State(), tk.Result())
	}
	if fc.Timers() != 0 {
		t.Fatal("backoff timer left armed")
	}
}

func TestStartWhileWaitingToRestartRunsAtOnce(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	MustAdd(g, failingTask(gate), struct{}{}, WithName("r"), WithRestart(RestartPolicy{Mode: OnFailure, Delay: time.Hour}))
	w := stateWaiter(t, g, "r", Restarting)
	gate <- struct{}{}
	w()
	fc.WaitTimers(1, nil)
	wr := stateWaiter(t, g, "r", Running)
	if _, err := g.Start("r"); err != nil {
		t.Fatal(err)
	}
	wr()
}

func TestRestartModeText(t *testing.T) {
	for _, m := range []RestartMode{Never, OnFailure, Always} {
		b, _ := m.MarshalText()
		var back RestartMode
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Fatalf("%v round trip: %v %v", m, back, err)
		}
	}
	var m RestartMode
	if err := m.UnmarshalText([]byte("sometimes")); !errors.Is(err, ErrBadArgs) {
		t.Fatalf("bad mode: %v", err)
	}
}

func mustGet(t *testing.T, g *Group, name string) *Task {
	t.Helper()
	tk, ok := g.Get(name)
	if !ok {
		t.Fatalf("no task %s", name)
	}
	return tk
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
