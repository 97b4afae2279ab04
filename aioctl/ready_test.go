package aioctl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// readyOnSignal is a task that calls Ready when go is closed, then runs
// until cancelled.
func readyOnSignal(goCh chan struct{}) Func[struct{}, string] {
	return func(ctx context.Context, _ struct{}) (string, error) {
		select {
		case <-goCh:
			Ready(ctx)
		case <-ctx.Done():
			return "", ctx.Err()
		}
		<-ctx.Done()
		return "", ctx.Err()
	}
}

func TestReadyStatusShowsStartingUntilReady(t *testing.T) {
	g, _ := newTestGroup(t)
	goCh := make(chan struct{})
	tk, err := Add(g, readyOnSignal(goCh), struct{}{}, WithName("db"), WithReadiness(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	sts, _ := g.Status("db")
	text := string(AppendRender(nil, sts, RenderOptions{Now: t0}))
	if !strings.Contains(text, "● db: status: starting since 2015-01-01 ") {
		t.Errorf("status before Ready = %q, want starting since", text)
	}
	js, _ := sts[0].AppendJSON(nil)
	if !strings.Contains(string(js), `"state":"running","starting":true`) {
		t.Errorf("JSON before Ready = %s, want starting true", js)
	}
	if tk.IsReady() {
		t.Error("IsReady before Ready")
	}
	close(goCh)
	if err := tk.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	sts, _ = g.Status("db")
	text = string(AppendRender(nil, sts, RenderOptions{Now: t0}))
	if !strings.Contains(text, "● db: status: running since 2015-01-01 ") {
		t.Errorf("status after Ready = %q, want running since", text)
	}
	js, _ = sts[0].AppendJSON(nil)
	if strings.Contains(string(js), `starting`) {
		t.Errorf("JSON after Ready = %s, want no starting", js)
	}
}

func TestTaskWithoutReadinessIsReadyWhenRunning(t *testing.T) {
	g, _ := newTestGroup(t)
	tk, _ := Add(g, block, struct{}{}, WithName("plain"))
	Ready(context.Background()) // outside a task: nothing
	if err := tk.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	sts, _ := g.Status("plain")
	if sts[0].Starting {
		t.Error("a task without WithReadiness shows starting")
	}
}

// TestWaitReadyWaitsForReadyNotStart: the task runs, but a waiter goes on
// only once it calls Ready.
func TestWaitReadyWaitsForReadyNotStart(t *testing.T) {
	g, _ := newTestGroup(t)
	goCh := make(chan struct{})
	tk, _ := Add(g, readyOnSignal(goCh), struct{}{}, WithName("db"), WithReadiness(0))
	res := make(chan error, 1)
	go func() { res <- tk.WaitReady(context.Background()) }()
	if tk.State() != Running {
		t.Fatalf("state %v, want running", tk.State())
	}
	select {
	case err := <-res:
		t.Fatalf("WaitReady returned %v before Ready", err)
	default:
	}
	close(goCh)
	if err := <-res; err != nil {
		t.Fatal(err)
	}
}

func TestWaitReadyTimesOut(t *testing.T) {
	g, fc := newTestGroup(t)
	goCh := make(chan struct{}) // never closed: the task never says it is ready
	tk, _ := Add(g, readyOnSignal(goCh), struct{}{}, WithName("slow"), WithReadiness(5*time.Second))
	res := make(chan error, 1)
	go func() { res <- tk.WaitReady(context.Background()) }()
	fc.WaitTimers(1, nil)
	fc.Advance(4 * time.Second)
	select {
	case err := <-res:
		t.Fatalf("WaitReady returned %v before the timeout", err)
	default:
	}
	fc.Advance(time.Second)
	err := <-res
	if !errors.Is(err, ErrReadyTimeout) {
		t.Fatalf("err = %v, want ErrReadyTimeout", err)
	}
	if want := `task "slow": not ready within 5s`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	if tk.State() != Running {
		t.Errorf("the task itself goes on: state %v", tk.State())
	}
}

func TestWaitReadyTaskFailsFirst(t *testing.T) {
	g, _ := newTestGroup(t)
	fail := make(chan struct{})
	tk, _ := Add(g, func(ctx context.Context, _ struct{}) (int, error) {
		<-fail
		return 0, errors.New("no disk")
	}, struct{}{}, WithName("db"), WithReadiness(time.Minute))
	res := make(chan error, 1)
	go func() { res <- tk.WaitReady(context.Background()) }()
	close(fail)
	err := <-res
	var nr *NotReadyError
	if !errors.As(err, &nr) || nr.State != Error {
		t.Fatalf("err = %v, want NotReadyError in state error", err)
	}
}

// TestReadyResetsOnStart: a new start begins not ready.
func TestReadyResetsOnStart(t *testing.T) {
	g, _ := newTestGroup(t)
	goCh := make(chan struct{})
	runs := 0
	tk, _ := Add(g, func(ctx context.Context, _ struct{}) (int, error) {
		runs++ // runs are sequential: no race
		if runs == 1 {
			Ready(ctx)
		} else {
			select {
			case <-goCh:
				Ready(ctx)
			case <-ctx.Done():
			}
		}
		<-ctx.Done()
		return 0, ctx.Err()
	}, struct{}{}, WithName("r"), WithReadiness(0))
	if err := tk.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Stop(context.Background(), "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Start(); err != nil {
		t.Fatal(err)
	}
	if tk.IsReady() {
		t.Fatal("ready right after a new start")
	}
	if sts, _ := g.Status("r"); !sts[0].Starting {
		t.Error("status after a new start does not show starting")
	}
	close(goCh)
	if err := tk.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
}
