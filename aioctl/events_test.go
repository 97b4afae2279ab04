//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"sync"
	"testing"
)

func TestWatchSeesEveryTransitionInOrder(t *testing.T) {
	g, _ := newTestGroup(t)
	var mu sync.Mutex
	var got []string
	cancel := g.Watch(func(e Event) {
		mu.Lock()
		got = append(got, e.Name+":"+e.From.String()+">"+e.To.String()+"/"+e.Cause.String())
		mu.Unlock()
	})
	wr := stateWaiter(t, g, "block", Running)
	MustAdd(g, block, struct{}{})
	wr()
	if _, err := g.Stop(context.Background(), "block"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Delete(context.Background(), "block"); err != nil {
		t.Fatal(err)
	}
	cancel()
	wd := stateWaiter(t, g, "answer", Done)
	MustAdd(g, answer, 1) // after cancel: not seen
	wd()
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"block:scheduled>running/user",
		"block:running>stopping/user",
		"block:stopping>stopped/user",
		"block:stopped>stopped/user", // delete stops first: already stopped
		"block:stopped>stopped/delete",
	}
	if len(got) != len(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestPanickingWatcherDoesNotCrash(t *testing.T) {
	g, _ := newTestGroup(t)
	g.Watch(func(Event) { panic("watcher bug") })
	w := stateWaiter(t, g, "answer", Done)
	MustAdd(g, answer, 1)
	w()
	if tk := mustGet(t, g, "answer"); tk.Result() != 2 {
		t.Fatalf("result %v", tk.Result())
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
