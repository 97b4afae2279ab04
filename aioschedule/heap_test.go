package aioschedule

import (
	"math/rand"
	"testing"
	"time"
)

// The scheduler's heap keeps the earliest fireAt on top and each entry's
// index right through any mix of push, remove and re-plan: a wrong index
// would unschedule the wrong task, a wrong order would start a run late.
func TestEntryHeapKeepsOrderAndIndexes(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var h entryHeap
	in := map[*entry]bool{}
	at := func() time.Time { return t0.Add(time.Duration(rng.Intn(50)) * time.Second) }
	for step := 0; step < 5000; step++ {
		switch op := rng.Intn(4); {
		case op < 2 || len(h) == 0:
			e := &entry{fireAt: at()}
			h.push(e)
			in[e] = true
		case op == 2:
			e := h[rng.Intn(len(h))]
			h.remove(int(e.index))
			if e.index != -1 {
				t.Fatalf("step %d: removed entry keeps index %d", step, e.index)
			}
			delete(in, e)
		default: // re-plan one in place, as collectLocked does at the top
			i := rng.Intn(len(h))
			h[i].fireAt = at()
			h.fix(i)
		}
		if len(h) != len(in) {
			t.Fatalf("step %d: heap holds %d, want %d", step, len(h), len(in))
		}
		for i, e := range h {
			if int(e.index) != i || !in[e] {
				t.Fatalf("step %d: entry at %d has index %d (held %v)", step, i, e.index, in[e])
			}
			if i > 0 && e.fireAt.Before(h[(i-1)/2].fireAt) {
				t.Fatalf("step %d: entry at %d fires before its parent", step, i)
			}
		}
	}
}
