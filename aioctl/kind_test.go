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

type ledArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// ledTask runs until stopped; it sends the arguments of each run to seen.
func ledTask(seen chan<- ledArgs) Func[ledArgs, int] {
	return func(ctx context.Context, a ledArgs) (int, error) {
		seen <- a
		<-ctx.Done()
		return a.Pin, ctx.Err()
	}
}

func recv(t *testing.T, ch <-chan ledArgs) ledArgs {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("the task never ran")
	}
	return ledArgs{}
}

func TestCloneRunsTheSameFunctionWithMergedArguments(t *testing.T) {
	g, _ := newTestGroup(t)
	seen := make(chan ledArgs, 4)
	MustAdd(g, ledTask(seen), ledArgs{Pin: 2, Sleep: 5 * time.Second}, WithName("blink"),
		WithOnStop(func(a ledArgs) int { return -a.Pin }))
	recv(t, seen)

	c1, err := g.Clone("blink", "", []byte(`{"sleep": 6}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen); got != (ledArgs{Pin: 2, Sleep: 6 * time.Second}) {
		t.Fatalf("clone ran with %+v", got)
	}
	c2, err := g.Clone("blink", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen); got != (ledArgs{Pin: 2, Sleep: 5 * time.Second}) {
		t.Fatalf("clone without a patch ran with %+v", got)
	}
	named, err := g.Clone("blink_1", "led3", []byte(`{"pin": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen); got != (ledArgs{Pin: 3, Sleep: 6 * time.Second}) {
		t.Fatalf("clone of the clone ran with %+v", got)
	}
	if c1.Name() != "blink_1" || c2.Name() != "blink_2" || named.Name() != "led3" {
		t.Fatalf("names: %s %s %s", c1.Name(), c2.Name(), named.Name())
	}
	if a, _ := Args[ledArgs](mustGet(t, g, "blink")); a.Sleep != 5*time.Second {
		t.Fatalf("the source's arguments changed: %+v", a)
	}
	// The callbacks come along: a stopped clone's result is on-stop's.
	if _, err := g.Stop(context.Background(), "led3"); err != nil {
		t.Fatal(err)
	}
	if r := named.Result(); r != -3 {
		t.Fatalf("clone's on-stop result = %v", r)
	}

	before := len(g.Names())
	if _, err := g.Clone("blink", "", []byte(`{"speed": 1}`)); !errors.Is(err, ErrBadArgs) || !strings.Contains(err.Error(), "speed") {
		t.Fatalf("bad patch: err = %v", err)
	}
	if _, err := g.Clone("nosuch", "", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown source: err = %v", err)
	}
	if len(g.Names()) != before {
		t.Fatalf("a refused clone was added: %v", g.Names())
	}
}

func TestRegisterOffersKindsThatAddKindStarts(t *testing.T) {
	g, _ := newTestGroup(t)
	seen := make(chan ledArgs, 4)
	if err := Register(g, "blink", ledTask(seen), ledArgs{Pin: 2, Sleep: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := Register(g, "answer", answer, 21); err != nil {
		t.Fatal(err)
	}
	kinds := g.Kinds()
	if len(kinds) != 2 || kinds[0].Name != "answer" || kinds[1].Name != "blink" {
		t.Fatalf("kinds = %+v", kinds)
	}
	b := kinds[1]
	if string(b.Defaults) != `{"pin":2,"sleep":"5s"}` || len(b.Fields) != 2 ||
		b.Fields[0].Name != "pin" || b.Fields[0].Type != "int" || string(b.Fields[0].Default) != "2" ||
		b.Fields[1].Type != "duration" || string(b.Fields[1].Default) != `"5s"` {
		t.Fatalf("blink kind = %+v", b)
	}
	if string(kinds[0].Defaults) != "21" || kinds[0].Fields != nil {
		t.Fatalf("answer kind = %+v", kinds[0])
	}

	t1, err := g.AddKind("blink", "", []byte(`{"pin": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen); got != (ledArgs{Pin: 5, Sleep: 5 * time.Second}) {
		t.Fatalf("added task ran with %+v", got)
	}
	t2, err := g.AddKind("blink", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, seen)
	t3, err := g.AddKind("blink", "porch", []byte(`{"sleep": "1s"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen); got != (ledArgs{Pin: 2, Sleep: time.Second}) {
		t.Fatalf("named task ran with %+v", got)
	}
	if t1.Name() != "blink" || t2.Name() != "blink_1" || t3.Name() != "porch" {
		t.Fatalf("names: %s %s %s", t1.Name(), t2.Name(), t3.Name())
	}
	w := stateWaiter(t, g, "answer", Done)
	a, err := g.AddKind("answer", "", []byte(`5`))
	if err != nil {
		t.Fatal(err)
	}
	w()
	if a.Result() != 10 {
		t.Fatalf("answer result = %v", a.Result())
	}

	if _, err := g.AddKind("nosuch", "", nil); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("unknown kind: err = %v", err)
	}
	if _, err := g.AddKind("blink", "", []byte(`{"pin": "x"}`)); !errors.Is(err, ErrBadArgs) || !strings.Contains(err.Error(), "pin") {
		t.Fatalf("bad args: err = %v", err)
	}
	if err := Register(g, "blink", answer, 1); !errors.Is(err, ErrKindTaken) {
		t.Fatalf("second register: err = %v", err)
	}
	if err := Register(g, "odd", answer, 1, WithOnStop(func(s string) int { return 0 })); err == nil || len(g.Kinds()) != 2 {
		t.Fatalf("mismatched callback: err = %v, kinds %d", err, len(g.Kinds()))
	}
}

func TestStatusDebugShowsRunningArgsAndThoseAfterRestart(t *testing.T) {
	g, _ := newTestGroup(t)
	seen := make(chan ledArgs, 4)
	tk := MustAdd(g, ledTask(seen), ledArgs{Pin: 2, Sleep: 5 * time.Second}, WithName("blink"))
	recv(t, seen)
	if err := tk.SetArgsJSON([]byte(`{"sleep": 3}`)); err != nil {
		t.Fatal(err)
	}
	sts, _ := g.Snapshot(SnapshotOptions{Debug: true}, "blink")
	if string(sts[0].Args) != `{"pin":2,"sleep":"5s"}` || string(sts[0].PendingArgs) != `{"pin":2,"sleep":"3s"}` {
		t.Fatalf("args = %s, pending = %s", sts[0].Args, sts[0].PendingArgs)
	}
	var b strings.Builder
	_ = Render(&b, sts, RenderOptions{Debug: true, Now: t0})
	if !strings.Contains(b.String(), `┗━► args: {"pin":2,"sleep":"5s"}`+"\n") ||
		!strings.Contains(b.String(), `┗━► args (after restart): {"pin":2,"sleep":"3s"}`+"\n") {
		t.Fatalf("status:\n%s", b.String())
	}
	if _, err := g.Restart(context.Background(), "blink"); err != nil {
		t.Fatal(err)
	}
	recv(t, seen)
	sts, _ = g.Snapshot(SnapshotOptions{Debug: true}, "blink")
	if string(sts[0].Args) != `{"pin":2,"sleep":"3s"}` || sts[0].PendingArgs != nil {
		t.Fatalf("after restart: args = %s, pending = %s", sts[0].Args, sts[0].PendingArgs)
	}
	// A task that is not running shows what its next start gets.
	if _, err := g.Stop(context.Background(), "blink"); err != nil {
		t.Fatal(err)
	}
	_ = tk.SetArgsJSON([]byte(`{"pin": 4}`))
	sts, _ = g.Snapshot(SnapshotOptions{Debug: true}, "blink")
	if string(sts[0].Args) != `{"pin":4,"sleep":"3s"}` || sts[0].PendingArgs != nil {
		t.Fatalf("stopped: args = %s, pending = %s", sts[0].Args, sts[0].PendingArgs)
	}
}

func TestSetArgsJSONTakesAValueForArgumentsThatAreNotAnObject(t *testing.T) {
	g, _ := newTestGroup(t)
	w := stateWaiter(t, g, "answer", Done)
	tk := MustAdd(g, answer, 21)
	w()
	if err := tk.SetArgsJSON([]byte(`5`)); err != nil {
		t.Fatal(err)
	}
	if a, _ := Args[int](tk); a != 5 {
		t.Fatalf("args = %d", a)
	}
	seen := make(chan ledArgs, 1)
	blink := MustAdd(g, ledTask(seen), ledArgs{Pin: 2}, WithName("blink"))
	recv(t, seen)
	err := blink.SetArgsJSON([]byte(`5`))
	if !errors.Is(err, ErrBadArgs) || !strings.Contains(err.Error(), `JSON object: want one like {"pin":2,"sleep":"0s"}, got a number`) {
		t.Fatalf("err = %v", err)
	}
}
