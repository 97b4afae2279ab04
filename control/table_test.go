package control

import (
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
)

// TestEveryVerbHasAnImpl: the api table and the run functions attached
// here by name match one to one, and each impl can run its verb the way
// the table says it runs (one-shot, streaming, or both).
func TestEveryVerbHasAnImpl(t *testing.T) {
	table := map[string]bool{}
	for _, v := range api.Verbs() {
		table[v.Name] = true
		im, ok := impls[v.Name]
		if !ok {
			t.Errorf("verb %q of the api table has no run function in control", v.Name)
			continue
		}
		oneShot := !v.Stream || v.StreamFlag != "" // log without -f
		if oneShot && im.run == nil {
			t.Errorf("verb %q runs one-shot but has no run function", v.Name)
		}
		if !oneShot && im.run != nil {
			t.Errorf("verb %q always streams but has a run function", v.Name)
		}
		if v.Stream != (im.stream != nil) {
			t.Errorf("verb %q: Stream is %v in the table, stream function set: %v", v.Name, v.Stream, im.stream != nil)
		}
	}
	for name := range impls {
		if !table[name] {
			t.Errorf("control has a run function for %q, which is not in the api table", name)
		}
	}
}
