//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// countExtender counts its calls and marks every status it sees.
type countExtender struct{ calls *int }

func (c countExtender) ExtendStatus(st *TaskStatus, debug bool) {
	*c.calls++
	st.Service = &ServiceInfo{Type: "marked"}
}

// The function AddStatusExtender returns unregisters the extender, like
// Watch's: later snapshots neither call it nor carry its part, and an
// extender registered twice is removed once per call.
func TestAddStatusExtenderRemove(t *testing.T) {
	g, _ := newTestGroup(t)
	MustAdd(g, answer, 1, WithName("a"), Deferred())
	var calls int
	e := countExtender{&calls}
	remove1 := g.AddStatusExtender(e)
	remove2 := g.AddStatusExtender(e)
	if st, _ := g.Status("a"); calls != 2 || st[0].Service == nil {
		t.Fatalf("registered twice: %d calls, service %+v", calls, st[0].Service)
	}
	remove1()
	remove1() // idempotent
	calls = 0
	if st, _ := g.Status("a"); calls != 1 || st[0].Service == nil {
		t.Fatalf("after one remove: %d calls, want 1", calls)
	}
	remove2()
	calls = 0
	if st, _ := g.Status("a"); calls != 0 || st[0].Service != nil {
		t.Fatalf("after both removes: %d calls, service %+v", calls, st[0].Service)
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

// Deleting the first, a middle and the last task keeps the others in the
// order they were added, and names found by name come in that order too,
// whatever order they are asked in.
func TestDeleteKeepsOrderAtHeadMiddleAndTail(t *testing.T) {
	g, _ := newTestGroup(t)
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		MustAdd(g, block, struct{}{}, WithName(n), Deferred())
	}
	for _, del := range []string{"c", "a", "e"} {
		if _, err := g.Delete(context.Background(), del); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(g.Names(), ","); got != "b,d" {
		t.Fatalf("after deleting c, a, e: %s, want b,d", got)
	}
	MustAdd(g, block, struct{}{}, WithName("a"), Deferred())
	found, err := g.Find("a", "d", "b", "d")
	if err != nil || strings.Join(names(found), ",") != "b,d,a" {
		t.Fatalf("Find(a, d, b, d) = %v %v, want b,d,a", names(found), err)
	}
	if _, err := g.Delete(context.Background(), "b", "d", "a"); err != nil {
		t.Fatal(err)
	}
	if got := g.Names(); len(got) != 0 {
		t.Fatalf("left %v after deleting all", got)
	}
	MustAdd(g, block, struct{}{}, WithName("z"), Deferred())
	if got := strings.Join(g.Names(), ","); got != "z" {
		t.Fatalf("a task added to an emptied group: %s", got)
	}
}

func TestWaitAndActive(t *testing.T) {
	g, _ := newTestGroup(t)
	release := make(chan struct{})
	w := stateWaiter(t, g, "slow", Running)
	MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { <-release; return 1, nil }, struct{}{}, WithName("slow"))
	w()
	if n := len(g.Active()); n != 1 {
		t.Fatalf("Active() = %d", n)
	}
	if n := len(g.Names()); n != 1 {
		t.Fatalf("Names() = %d", n)
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
	if n := len(g.Active()); n != 0 {
		t.Fatalf("Active() after Wait = %d", n)
	}
	// Names still lists the task that ended; Active does not.
	if names := g.Names(); len(names) != 1 || names[0] != "slow" {
		t.Fatalf("Names() after Wait = %q", names)
	}
}

// Debug reads the mode and never changes it; SetDebug sets it;
// ToggleDebug flips it and says the new mode (the seed's debug()).
func TestDebugReadsSetDebugSetsToggleDebugFlips(t *testing.T) {
	g, _ := newTestGroup(t)
	for range 2 { // reading twice: a read never flips the mode
		if g.Debug() {
			t.Fatal("a new group is in debug mode, or reading the mode changed it")
		}
	}
	g.SetDebug(true)
	for range 2 {
		if !g.Debug() {
			t.Fatal("SetDebug(true) did not stick, or reading the mode changed it")
		}
	}
	if on := g.ToggleDebug(); on || g.Debug() {
		t.Fatalf("ToggleDebug from on = %v, Debug() = %v", on, g.Debug())
	}
	if on := g.ToggleDebug(); !on || !g.Debug() {
		t.Fatalf("ToggleDebug from off = %v, Debug() = %v", on, g.Debug())
	}
}

// SetLogSource attaches the log whose lines status shows, and nil detaches
// it; the slog logger (SetLogger) is a different thing and is untouched.
func TestSetLogSourceAttachesAndDetaches(t *testing.T) {
	g, _ := newTestGroup(t)
	w := stateWaiter(t, g, "answer", Done)
	MustAdd(g, answer, 1)
	w()
	if st, _ := g.Status("answer"); st[0].Log != nil {
		t.Fatalf("no log source, but status has lines %q", st[0].Log)
	}
	g.SetLogSource(fakeLog{"answer": {"a line"}})
	if st, _ := g.Status("answer"); len(st[0].Log) != 1 || st[0].Log[0] != "a line" {
		t.Fatalf("with a log source, status lines %q", st[0].Log)
	}
	g.SetLogSource(nil)
	if st, _ := g.Status("answer"); st[0].Log != nil {
		t.Fatalf("detached, but status has lines %q", st[0].Log)
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

func TestResultAndTracebackOfEachTask(t *testing.T) {
	g, _ := newTestGroup(t)
	wd, we, wp := stateWaiter(t, g, "answer", Done), stateWaiter(t, g, "fail", Error), stateWaiter(t, g, "crash", Error)
	MustAdd(g, answer, 21)
	MustAdd(g, fail, "boom")
	MustAdd(g, crash, struct{}{})
	wd()
	we()
	wp()
	// The seed's result(): each task's Result.
	ts, err := g.Find()
	if err != nil || len(ts) != 3 || ts[0].Result() != 42 {
		t.Fatalf("Find() = %v %v", ts, err)
	}
	// The seed's traceback(): the Traceback of a status, set for the
	// tasks whose last run failed.
	sts, err := g.Status("*", "nosuch")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	tbs := make(map[string]string)
	for _, st := range sts {
		if st.Traceback != "" {
			tbs[st.Name] = st.Traceback
		}
	}
	if len(tbs) != 2 || tbs["fail"] != "Error: boom" || !strings.Contains(tbs["crash"], "aioctl.crash") {
		t.Fatalf("tracebacks = %q", tbs)
	}
}

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
