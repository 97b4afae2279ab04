package aioschedule

// A schedule: Entry, what List shows (the status's aioctl.ScheduleInfo
// with the task and its spec), and entry, the scheduler's own record of it
// (its plan, the next slot and jittered fire time, its place in the heap).

import (
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Entry is one schedule, as List returns it: the task, its spec, and the
// schedule part of its status (aioctl.ScheduleInfo: last and next run,
// skipped and missed counts, paused), the one shape status and the list
// share. Its JSON is ScheduleInfo's with "task" and "spec" in front:
//
//	{"task":"world","spec":{"start_in":"5s","repeat":"10s"},"opts":"start_in=5s repeat=10s","skipped":0,"next":"2025-01-01T00:00:05Z"}
type Entry struct {
	Task string `json:"task"`
	Spec Spec   `json:"spec"`
	aioctl.ScheduleInfo
}

// MarshalJSON writes Task and Spec, then ScheduleInfo's fields as its own
// MarshalJSON writes them (unset times left out). Without it the
// MarshalJSON promoted from ScheduleInfo would drop Task and Spec.
func (e Entry) MarshalJSON() ([]byte, error) {
	info, err := e.ScheduleInfo.MarshalJSON()
	if err != nil {
		return nil, err
	}
	head, err := json.Marshal(struct {
		Task string `json:"task"`
		Spec Spec   `json:"spec"`
	}{e.Task, e.Spec})
	if err != nil {
		return nil, err
	}
	// head is {…} and info is {…} with at least "skipped": join them.
	return append(append(head[:len(head)-1], ','), info[1:]...), nil
}

// entry is kept small (208 bytes, one allocation): its plan's rule by
// value, the planned slot as fireAt less the drawn jitter, counters and the
// heap index in 32 bits.
type entry struct {
	task   *aioctl.Task
	spec   Spec
	rule   rule
	fireAt time.Time     // the next run: its planned slot plus jitter
	jit    time.Duration // the jitter drawn for it: fireAt - slot
	last   time.Time
	index  int32 // in the heap; -1 when not in it

	skipped, missed int32 // saturating (see addSat)
	due             bool  // slot was already due when (re)scheduled: run at once
	paused          bool
	over            bool // no more runs
	gone            bool // no longer in the scheduler's map (dropLocked)
}

// slot is the next planned run. (Adding a zero jitter is skipped, here and
// in setSlot: it changes nothing, and a burst of runs pays for each Add.)
func (e *entry) slot() time.Time {
	if e.jit == 0 {
		return e.fireAt
	}
	return e.fireAt.Add(-e.jit)
}

// addSat returns c+n, held at the largest int32: a count that reached it
// stays there rather than wrapping to negative.
func addSat(c int32, n int) int32 {
	if n >= math.MaxInt32-int(c) {
		return math.MaxInt32
	}
	return c + int32(n)
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Task < es[j].Task })
}

func (e *entry) export(name string) Entry {
	out := Entry{Task: name, Spec: e.spec, ScheduleInfo: aioctl.ScheduleInfo{
		Last: e.last, Opts: e.spec.String(), Skipped: int(e.skipped), Missed: int(e.missed), Paused: e.paused, Done: e.over}}
	if !e.paused && !e.over {
		out.Next = e.fireAt
	}
	return out
}

// setSlot plans the next run at slot and draws its jitter.
func (e *entry) setSlot(slot time.Time, rnd func() float64) {
	e.jit = 0
	if j := e.spec.Jitter; j > 0 {
		e.jit = time.Duration(rnd() * float64(j))
	}
	e.fireAt = slot
	if e.jit != 0 {
		e.fireAt = slot.Add(e.jit)
	}
}
