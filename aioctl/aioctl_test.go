package aioctl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func answer(_ context.Context, n int) (int, error) { return n * 2, nil }

func fail(_ context.Context, msg string) (int, error) { return 0, errors.New(msg) }

func crash(_ context.Context, _ struct{}) (int, error) {
	var m map[string]int
	//lint:ignore SA5000 the task panics on purpose
	m["x"] = 1
	return 0, nil
}

func TestAddNamesTaskAfterFunctionAndDeduplicates(t *testing.T) {
	g, _ := newTestGroup(t)
	for i := 0; i < 3; i++ {
		w := stateWaiter(t, g, []string{"answer", "answer_1", "answer_2"}[i], Done)
		MustAdd(g, answer, i)
		w()
	}
	if got := strings.Join(g.Names(), ","); got != "answer,answer_1,answer_2" {
		t.Fatalf("names = %s", got)
	}
	named := MustAdd(g, answer, 1, WithName("blink"), Deferred())
	if named.Name() != "blink" || named.State() != Scheduled {
		t.Fatalf("named task = %s in %v", named.Name(), named.State())
	}
	closure := MustAdd(g, func(ctx context.Context, _ int) (int, error) { return 0, nil }, 0, Deferred())
	if closure.Name() == "" || closure.Name() == "task" {
		t.Fatalf("closure got name %q", closure.Name())
	}
}

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
	type args struct {
		Pin   int           `json:"pin"`
		Sleep time.Duration `json:"sleep"`
	}
	seen := make(chan args, 4)
	run := func(ctx context.Context, a args) (int, error) {
		seen <- a
		<-ctx.Done()
		return 0, ctx.Err()
	}
	MustAdd(g, run, args{Pin: 2, Sleep: 5}, WithName("blink"),
		WithOnStop(func(a args) int { return a.Pin * 100 }))
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

func TestSetArgsJSONRejectsBadInputAndChangesNothing(t *testing.T) {
	g, _ := newTestGroup(t)
	type args struct {
		Pin  int               `json:"pin"`
		Tags map[string]string `json:"tags"`
	}
	tk := MustAdd(g, func(ctx context.Context, a args) (int, error) { return a.Pin, nil },
		args{Pin: 2, Tags: map[string]string{"a": "1"}}, WithName("t"), Deferred())
	cases := []struct {
		patch, field string
	}{
		{`{"pni": 3}`, "pni"},
		{`{"pin": "three"}`, "pin"},
		{`{"pin": 3`, ""},
		{`{"tags": {"b": 2}}`, "tags"},
		{`{"pin": 1} {"pin": 2}`, ""},
	}
	for _, c := range cases {
		err := tk.SetArgsJSON([]byte(c.patch))
		var ae *ArgError
		if !errors.Is(err, ErrBadArgs) || !errors.As(err, &ae) {
			t.Fatalf("patch %s: err = %v, want ErrBadArgs", c.patch, err)
		}
		if c.field != "" && ae.Field != c.field {
			t.Errorf("patch %s: field %q, want %q (%v)", c.patch, ae.Field, c.field, err)
		}
		a, _ := Args[args](tk)
		if a.Pin != 2 || len(a.Tags) != 1 || a.Tags["a"] != "1" {
			t.Fatalf("patch %s changed args to %+v", c.patch, a)
		}
	}
	if err := tk.SetArgsJSON([]byte(`{"tags": {"b": "2"}}`)); err != nil {
		t.Fatal(err)
	}
	a, _ := Args[args](tk)
	if a.Pin != 2 || a.Tags["a"] != "1" || a.Tags["b"] != "2" {
		t.Fatalf("merge gave %+v", a)
	}
	if err := SetArgs(tk, "not args"); !errors.Is(err, ErrBadArgs) {
		t.Fatalf("SetArgs with wrong type: %v", err)
	}
	if b, _ := tk.ArgsJSON(); string(b) != `{"pin":2,"tags":{"a":"1","b":"2"}}` {
		t.Fatalf("ArgsJSON = %s", b)
	}
}

func TestPatternsAndNotFound(t *testing.T) {
	g, _ := newTestGroup(t)
	for _, n := range []string{"task_led_1", "task_led_2", "hello.service", "world.service", "other"} {
		MustAdd(g, answer, 1, WithName(n), Deferred())
	}
	found, err := g.Find("task_led_*", "*.service", "nosuch", "no*match")
	if got := strings.Join(names(found), ","); got != "task_led_1,task_led_2,hello.service,world.service" {
		t.Fatalf("found %s", got)
	}
	var nf *NotFoundError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &nf) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `"nosuch"`) || !strings.Contains(err.Error(), `"no*match"`) {
		t.Fatalf("error does not name both misses: %v", err)
	}
	all, err := g.Find()
	if err != nil || len(all) != 5 {
		t.Fatalf("Find() = %d %v", len(all), err)
	}
	if _, err := g.Stop(context.Background(), "nosuch"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stop nosuch: %v", err)
	}
	if _, err := g.Start("nosuch"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("start nosuch: %v", err)
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		p, n string
		ok   bool
	}{
		{"hello*", "hello_task", true},
		{"hello*", "hello", true},
		{"hello*", "xhello", false},
		{"*.service", "world.service", true},
		{"*.service", "world.service.child", false},
		{"task_*_1", "task_led_1", true},
		{"task_*_1", "task_led_2", false},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"ab*ba", "aba", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"?", "a", false},
	}
	for _, c := range cases {
		if got := Match(c.p, c.n); got != c.ok {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.n, got, c.ok)
		}
	}
}

func TestDelete(t *testing.T) {
	g, _ := newTestGroup(t)
	w := stateWaiter(t, g, "b1", Running)
	MustAdd(g, block, struct{}{}, WithName("b1"))
	w()
	MustAdd(g, block, struct{}{}, WithName("b2"), Deferred())
	MustAdd(g, block, struct{}{}, WithName("keep"), Deferred())
	deleted, err := g.Delete(context.Background(), "b*")
	if err != nil || strings.Join(deleted, ",") != "b1,b2" {
		t.Fatalf("delete = %v %v", deleted, err)
	}
	if got := strings.Join(g.Names(), ","); got != "keep" {
		t.Fatalf("left %s", got)
	}
	if _, err := g.Delete(context.Background()); err == nil {
		t.Fatal("delete with no pattern should refuse")
	}
	// The freed name can be used again without a suffix.
	if tk := MustAdd(g, block, struct{}{}, WithName("b1"), Deferred()); tk.Name() != "b1" {
		t.Fatalf("re-added as %s", tk.Name())
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

func TestCallbackTypeMismatchIsRefused(t *testing.T) {
	g, _ := newTestGroup(t)
	_, err := Add(g, answer, 1, WithOnStop(func(s string) int { return 0 }))
	if err == nil || !strings.Contains(err.Error(), "WithOnStop") {
		t.Fatalf("err = %v", err)
	}
	_, err = Add(g, answer, 1, WithOnError(func(n int, err error) string { return "" }))
	if err == nil || !strings.Contains(err.Error(), "WithOnError") {
		t.Fatalf("err = %v", err)
	}
	if len(g.Names()) != 0 {
		t.Fatalf("a refused task was added: %v", g.Names())
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

func TestWaitAndTasks(t *testing.T) {
	g, _ := newTestGroup(t)
	release := make(chan struct{})
	w := stateWaiter(t, g, "slow", Running)
	MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { <-release; return 1, nil }, struct{}{}, WithName("slow"))
	w()
	if n := len(g.Tasks()); n != 1 {
		t.Fatalf("Tasks() = %d", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with cancelled ctx = %v", err)
	}
	close(release)
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(g.Tasks()); n != 0 {
		t.Fatalf("Tasks() after Wait = %d", n)
	}
}

func TestGroupContextCancelStopsTasks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g, _ := newTestGroup(t, WithContext(ctx))
	w := stateWaiter(t, g, "block", Running)
	MustAdd(g, block, struct{}{})
	w()
	ws := stateWaiter(t, g, "block", Stopped)
	cancel()
	ws()
}

func TestDefaultGroupIsReplaceable(t *testing.T) {
	old := Default()
	defer SetDefault(old)
	g, _ := newTestGroup(t)
	SetDefault(g)
	w := stateWaiter(t, g, "answer", Done)
	MustAdd(Default(), answer, 1)
	w()
	sts, err := Status()
	if err != nil || len(sts) != 1 || sts[0].Name != "answer" {
		t.Fatalf("Status() = %v %v", sts, err)
	}
	if _, err := Stop(context.Background(), "nosuch"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

func TestResultsAndTracebacks(t *testing.T) {
	g, _ := newTestGroup(t)
	wd, we, wp := stateWaiter(t, g, "answer", Done), stateWaiter(t, g, "fail", Error), stateWaiter(t, g, "crash", Error)
	MustAdd(g, answer, 21)
	MustAdd(g, fail, "boom")
	MustAdd(g, crash, struct{}{})
	wd()
	we()
	wp()
	res, err := g.Results()
	if err != nil || res["answer"] != 42 || len(res) != 3 {
		t.Fatalf("Results() = %v %v", res, err)
	}
	tbs, err := g.Tracebacks("*", "nosuch")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if len(tbs) != 2 || tbs["fail"] != "Error: boom" || !strings.Contains(tbs["crash"], "aioctl.crash") {
		t.Fatalf("Tracebacks = %q", tbs)
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
