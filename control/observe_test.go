package control_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

func TestObserveRequestsSeesVerbAndCode(t *testing.T) {
	p := newProgram(t)
	var mu sync.Mutex
	var got []control.RequestInfo
	cancel := p.in.ObserveRequests(func(ri control.RequestInfo) {
		mu.Lock()
		got = append(got, ri)
		mu.Unlock()
	})
	p.in.Exec(t.Context(), []string{"status", "blink"}, control.Options{})
	p.in.Exec(t.Context(), []string{"status", "nosuch"}, control.Options{})
	p.in.Exec(t.Context(), []string{"no\x1bsuch-verb"}, control.Options{})
	// The stream ends at its first event (blink's log line).
	ctx, stop := context.WithCancel(t.Context())
	p.in.Stream(ctx, []string{"follow", "--lines", "5"}, func(control.Event) error { stop(); return nil })
	cancel()
	p.in.Exec(t.Context(), []string{"status"}, control.Options{}) // not seen: cancelled

	want := []control.RequestInfo{
		{Verb: "status"}, {Verb: "status", Code: control.CodeNotFound},
		{Verb: "", Code: control.CodeUnknownVerb}, {Verb: "follow", Stream: true},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("observed %+v, want %+v", got, want)
	}
	for i := range want {
		g := got[i]
		g.Duration = 0
		if g != want[i] {
			t.Errorf("request %d: %+v, want %+v", i, g, want[i])
		}
	}
}
