package aioctl

import (
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
