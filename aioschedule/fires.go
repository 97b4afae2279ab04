package aioschedule

import (
	"sync/atomic"
	"time"
)

// Fire is one due run of a schedule, as fire observers see it: metrics
// measure the lateness At - Planned and count the skipped runs.
type Fire struct {
	Task string
	// Planned is when the run was due, jitter included; for a run due at
	// once (a schedule added or resumed after its time), when the
	// scheduler found it due.
	Planned time.Time
	// At is when the scheduler started the task (or found it still running).
	At time.Time
	// Started is false for a skipped run: the task was still running.
	Started bool
}

// fireObservers is the copy-on-write list ObserveFires keeps, read by
// the scheduler's goroutine without a lock.
type fireObservers = atomic.Pointer[[]*func(Fire)]

// ObserveFires calls fn for each due run the scheduler starts or skips,
// on the scheduler's goroutine with no lock held, until the returned
// function is called. fn must be quick and must not block: the next runs
// wait for it. Missed runs (lost to a clock jump or sleep) are not fires:
// List and Stats count them.
func (s *Scheduler) ObserveFires(fn func(Fire)) (cancel func()) {
	p := &fn
	s.mu.Lock()
	var next []*func(Fire)
	if cur := s.fires.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, p)
	s.fires.Store(&next)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		var next []*func(Fire)
		if cur := s.fires.Load(); cur != nil {
			for _, x := range *cur {
				if x != p {
					next = append(next, x)
				}
			}
		}
		s.fires.Store(&next)
	}
}

// fired tells the observers about one due run.
func (s *Scheduler) fired(f *firing, at time.Time, started bool) {
	l := s.fires.Load()
	if l == nil || len(*l) == 0 {
		return
	}
	ev := Fire{Task: f.e.task.Name(), Planned: f.planned, At: at, Started: started}
	for _, fn := range *l {
		(*fn)(ev)
	}
}
