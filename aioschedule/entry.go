package aioschedule

// A schedule: Entry, what List shows (the status's aioctl.ScheduleInfo
// with the task and its spec), and entry, the scheduler's own record of it
// (its plan, the next slot and jittered fire time, its place in the heap).

import (
	"encoding/json"
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

type entry struct {
	task   *aioctl.Task
	spec   Spec
	plan   *plan
	slot   time.Time // the next planned run
	fireAt time.Time // slot plus jitter
	due    bool      // slot was already due when (re)scheduled: run at once
	last   time.Time
	paused bool
	over   bool // no more runs
	index  int  // in the heap; -1 when not in it

	skipped, missed int
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Task < es[j].Task })
}

func (e *entry) export(name string) Entry {
	out := Entry{Task: name, Spec: e.spec, ScheduleInfo: aioctl.ScheduleInfo{
		Last: e.last, Opts: e.spec.String(), Skipped: e.skipped, Missed: e.missed, Paused: e.paused}}
	if !e.paused && !e.over {
		out.Next = e.fireAt
	}
	return out
}

// setFireAt draws the jitter of the run planned at e.slot.
func (e *entry) setFireAt(rnd func() float64) {
	e.fireAt = e.slot
	if j := e.spec.Jitter; j > 0 {
		e.fireAt = e.slot.Add(time.Duration(rnd() * float64(j)))
	}
}
