//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDoneErrorAndPanicStates(t *testing.T) {
	g, _ := newTestGroup(t)
	wd, we, wp := stateWaiter(t, g, "answer", Done), stateWaiter(t, g, "fail", Error), stateWaiter(t, g, "crash", Error)
	MustAdd(g, answer, 21)
	MustAdd(g, fail, "division by zero")
	MustAdd(g, crash, struct{}{})
	wd()
	we()
	wp()

	a, _ := g.Get("answer")
	if a.Result() != 42 || a.Err() != nil {
		t.Fatalf("answer result %v err %v", a.Result(), a.Err())
	}
	f, _ := g.Get("fail")
	if f.Err() == nil || f.Err().Error() != "division by zero" {
		t.Fatalf("fail err = %v", f.Err())
	}
	c, _ := g.Get("crash")
	var pe *PanicError
	if !errors.As(c.Err(), &pe) {
		t.Fatalf("crash err = %T %v, want *PanicError", c.Err(), c.Err())
	}
	if !strings.Contains(pe.Error(), "assignment to entry in nil map") {
		t.Fatalf("panic error = %q", pe.Error())
	}
	if !strings.Contains(pe.Stack, "aioctl.crash") {
		t.Fatalf("stack does not name the panicking function:\n%s", pe.Stack)
	}
	// The traceback starts at the panic site, not in aioctl's recover.
	if lines := strings.Split(pe.Stack, "\n"); len(lines) < 2 || !strings.HasPrefix(lines[0], "goroutine ") ||
		!strings.Contains(lines[1], "aioctl.crash(") {
		t.Fatalf("first frame is not the panic site:\n%s", pe.Stack)
	}
	sts, _ := g.Status("crash")
	if !strings.Contains(sts[0].Traceback, "aioctl.crash") || sts[0].ResultText != "panic: assignment to entry in nil map" {
		t.Fatalf("crash status = %+v", sts[0])
	}
	sts, _ = g.Status("fail")
	if sts[0].ResultText != "Error: division by zero" || sts[0].ErrorType != "Error" {
		t.Fatalf("fail status result %q type %q", sts[0].ResultText, sts[0].ErrorType)
	}
}

func TestStopRunsOnStopAndStartReusesArgs(t *testing.T) {
	g, _ := newTestGroup(t)
	type stopArgs struct {
		Pin   int           `json:"pin"`
		Sleep time.Duration `json:"sleep"`
	}
	seen := make(chan stopArgs, 4)
	run := func(ctx context.Context, a stopArgs) (int, error) {
		seen <- a
		<-ctx.Done()
		return 0, ctx.Err()
	}
	MustAdd(g, run, stopArgs{Pin: 2, Sleep: 5}, WithName("blink"),
		WithOnStop(func(a stopArgs) int { return a.Pin * 100 }))
	if a := <-seen; a.Pin != 2 {
		t.Fatalf("first run args %+v", a)
	}
	names, err := g.Stop(context.Background(), "blink")
	if err != nil || len(names) != 1 {
		t.Fatalf("stop = %v %v", names, err)
	}
	tk, _ := g.Get("blink")
	if tk.State() != Stopped || tk.Result() != 200 {
		t.Fatalf("after stop: %v result %v", tk.State(), tk.Result())
	}
	if err := tk.SetArgsJSON([]byte(`{"sleep": 3}`)); err != nil {
		t.Fatal(err)
	}
	started, err := g.Start("blink")
	if err != nil || len(started) != 1 {
		t.Fatalf("start = %v %v", started, err)
	}
	if a := <-seen; a.Pin != 2 || a.Sleep != 3*time.Second {
		t.Fatalf("second run args %+v, want pin kept and sleep changed", a)
	}
	if tk.Name() != "blink" || len(g.Names()) != 1 {
		t.Fatalf("restart changed names: %v", g.Names())
	}
	// Starting a running task is a no-op.
	if ok, err := tk.Start(); ok || err != nil {
		t.Fatalf("start of running task = %v %v", ok, err)
	}
}

func TestTaskIgnoringCancellationIsReportedAndDoesNotBlock(t *testing.T) {
	g, fc := newTestGroup(t, WithDefaultStopTimeout(2*time.Second))
	release := make(chan struct{})
	w := stateWaiter(t, g, "stubborn", Running)
	MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) {
		<-release // ignores ctx
		return 7, nil
	}, struct{}{}, WithName("stubborn"))
	w()
	wp := stateWaiter(t, g, "polite", Running)
	MustAdd(g, block, struct{}{}, WithName("polite"))
	wp()

	errc := make(chan error)
	politeStopped := stateWaiter(t, g, "polite", Stopped)
	go func() {
		_, err := g.Stop(context.Background(), "*")
		errc <- err
	}()
	fc.WaitTimers(1, nil) // Stop is waiting on its timeout
	politeStopped()       // the polite task returned within the timeout
	fc.Advance(2 * time.Second)
	err := <-errc
	var te *TaskError
	if !errors.Is(err, ErrStopTimeout) || !errors.As(err, &te) || te.Task != "stubborn" {
		t.Fatalf("stop err = %v", err)
	}
	st, _ := g.Status("stubborn")
	if st[0].State != Stopping || !st[0].Unresponsive {
		t.Fatalf("stubborn status %v unresponsive=%v", st[0].State, st[0].Unresponsive)
	}
	p, _ := g.Get("polite")
	if p.State() != Stopped {
		t.Fatalf("polite = %v", p.State())
	}
	// The group still works: other verbs go on.
	if _, err := g.Start("polite"); err != nil {
		t.Fatal(err)
	}
	tk, _ := g.Get("stubborn")
	if _, err := tk.Start(); !errors.Is(err, ErrStillStopping) {
		t.Fatalf("start of stopping task: %v", err)
	}
	ws := stateWaiter(t, g, "stubborn", Stopped)
	close(release)
	ws()
	if st, _ := g.Status("stubborn"); st[0].Unresponsive {
		t.Fatal("still marked unresponsive after it returned")
	}
}

func TestOnErrorResultAndLogLine(t *testing.T) {
	rec := &recordHandler{}
	g, _ := newTestGroup(t, WithLogger(slogNew(rec)))
	w := stateWaiter(t, g, "fail", Error)
	MustAdd(g, fail, "boom", WithOnError(func(msg string, err error) int { return len(msg) + len(err.Error()) }))
	w()
	tk, _ := g.Get("fail")
	if tk.Result() != 8 {
		t.Fatalf("result = %v, want on-error's 8", tk.Result())
	}
	if got := rec.lines(); len(got) != 1 || got[0] != "ERROR Error: boom task=fail" {
		t.Fatalf("log lines %q", got)
	}
}

func TestLoggerCarriesTaskName(t *testing.T) {
	rec := &recordHandler{}
	g, _ := newTestGroup(t, WithLogger(slogNew(rec)))
	w := stateWaiter(t, g, "hello", Done)
	MustAdd(g, func(ctx context.Context, _ struct{}) (bool, error) {
		Logger(ctx).Info("LED toggled")
		return FromContext(ctx) != nil && FromContext(ctx).Name() == "hello", nil
	}, struct{}{}, WithName("hello"))
	w()
	tk, _ := g.Get("hello")
	if tk.Result() != true {
		t.Fatal("FromContext did not find the task")
	}
	if got := rec.lines(); len(got) != 1 || got[0] != "INFO LED toggled task=hello" {
		t.Fatalf("log lines %q", got)
	}
}

func TestPanickingCallbackDoesNotCrash(t *testing.T) {
	g, _ := newTestGroup(t)
	w := stateWaiter(t, g, "fail", Error)
	MustAdd(g, fail, "boom", WithOnError(func(string, error) int { panic("callback bug") }))
	w()
	sts, _ := g.Status("fail")
	if sts[0].ResultText != "callback panic: callback bug" {
		t.Fatalf("result %q", sts[0].ResultText)
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
