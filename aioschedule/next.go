package aioschedule

import (
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// NextRuns returns the next n planned runs of the task's schedule, from
// the one it waits for now (jitter included for that one, as List shows
// it; the later ones are the planned slots, as jitter is drawn per run).
// A paused schedule or one with no more runs gives none; a schedule that
// ends gives fewer than n. A task without a schedule is an
// *aioctl.TaskError matching ErrNotScheduled.
func (s *Scheduler) NextRuns(task string, n int) ([]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[task]
	if e == nil {
		return nil, &aioctl.TaskError{Task: task, Err: ErrNotScheduled}
	}
	out := []time.Time{}
	if e.paused || e.over || n <= 0 {
		return out, nil
	}
	out = append(out, e.fireAt)
	for slot, ok := e.rule.after(e.slot()); ok && len(out) < n; slot, ok = e.rule.after(slot) {
		out = append(out, slot)
	}
	return out, nil
}
