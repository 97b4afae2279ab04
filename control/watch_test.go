package control_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// watch sends the matching tasks' states, then each change as it
// happens: what aioctl top redraws on.
func TestWatchStreamsStateChanges(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	got := make(chan control.Event, 64)
	done := make(chan error, 1)
	go func() {
		done <- p.cl.Stream(ctx, []string{"watch", "blink", "answer"}, func(e control.Event) error {
			got <- e
			return nil
		})
	}()
	for _, want := range []string{"blink: running", "answer: done"} {
		if e := <-got; e.Text != want || e.Seq == 0 {
			t.Fatalf("first events: %+v, want %q", e, want)
		}
	}
	if res := p.in.Exec(ctx, []string{"stop", "blink"}, control.Options{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	// Stopping goes through "stopping"; the last change is to stopped.
	for {
		e := <-got
		if e.Task != "blink" {
			t.Fatalf("a change of a task not watched: %+v", e)
		}
		if strings.HasSuffix(e.Text, "-> stopped (user)") {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("stream ended with %v", err)
	}
}

// watch runs only as a stream; a one-shot call says so.
func TestWatchIsStreamOnly(t *testing.T) {
	p := newProgram(t)
	res := p.in.Exec(ctxT(t), []string{"watch"}, control.Options{})
	if res.Err == nil || res.Err.Code != control.CodeStreamOnly {
		t.Fatalf("one-shot watch: %v", res.Err)
	}
}
