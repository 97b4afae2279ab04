package aioschedule

// The scheduler's one goroutine and one timer: it sleeps until the
// earliest entry of a min-heap (ordered by fireAt) is due, starts the due
// tasks, plans their next runs from the planned slot (never from the wake
// time), and exits when nothing is scheduled. kickLocked starts it or
// makes it re-arm its timer after a change.

import (
	"context"
	"log/slog"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// kickLocked starts the goroutine, or tells it to re-arm its timer.
func (s *Scheduler) kickLocked() {
	if s.closed {
		return
	}
	if !s.running {
		if len(s.h) == 0 {
			return
		}
		s.running = true
		s.wg.Add(1)
		go s.loop()
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// firing is one collected run. It holds no task name: reading it here
// would touch each task's record once while collecting and again, after
// the rest of the batch pushed it out of the cache, when starting it.
type firing struct {
	e       *entry
	planned time.Time // when it was due (fires.go)
}

// loop is the scheduler's goroutine: it sleeps until the earliest run is
// due, starts the due tasks, and returns when nothing is scheduled.
func (s *Scheduler) loop() {
	defer s.wg.Done()
	var (
		tm    clock.Timer
		fired bool
		due   []firing
	)
	defer func() {
		if tm != nil {
			tm.Stop()
		}
	}()
	for {
		s.mu.Lock()
		if s.closed || len(s.h) == 0 {
			s.running = false
			s.mu.Unlock()
			return
		}
		now := s.clock.Now()
		due = s.collectLocked(now, due[:0])
		if fired {
			s.stats.Wakeups++
			if len(due) == 0 {
				s.stats.IdleWakeups++
			}
		}
		fired = false
		var wait time.Duration
		if len(due) == 0 {
			wait = s.h[0].fireAt.Sub(now)
		}
		s.mu.Unlock()
		if len(due) > 0 {
			s.trigger(now, due)
			continue
		}
		if s.maxSleep > 0 && wait > s.maxSleep {
			wait = s.maxSleep
		}
		if tm == nil {
			tm = s.clock.NewTimer(wait)
		} else {
			tm.Reset(wait)
		}
		select {
		case <-tm.C():
			fired = true
		case <-s.wake:
		case <-s.quit:
			s.mu.Lock()
			s.running = false
			s.mu.Unlock()
			return
		}
	}
}

// collectBatch is the most entries collectLocked takes at once, so that
// the first runs of a large burst start while the rest are planned.
const collectBatch = 256

// collectLocked pops the entries due at now (at most collectBatch),
// decides for each whether it runs (late runs are missed unless caught
// up), plans its next run and puts it back.
func (s *Scheduler) collectLocked(now time.Time, due []firing) []firing {
	for k := 0; k < collectBatch && len(s.h) > 0 && !s.h[0].fireAt.After(now); k++ {
		e := s.h[0]
		last, n, next, ok := e.rule.advance(e.slot(), now, maxMissCount)
		late := !e.due && now.Sub(last) > s.tolerance+e.spec.Jitter
		run, missed := true, n-1
		if e.due {
			missed = 0 // added or resumed after its time: runs at once
		} else if late && !e.spec.CatchUp {
			run, missed = false, n
		}
		planned := e.fireAt // what a fire observer measures lateness from
		switch {
		case e.due: // added or resumed after its time: due now, not late
			planned = now
		case n > 1: // slots were missed: this run is the last one's
			planned = last
		}
		e.due = false
		if missed > 0 {
			e.missed = addSat(e.missed, missed)
			s.stats.Missed += uint64(missed)
			s.log().LogAttrs(context.Background(), slog.LevelWarn, "schedule: missed runs",
				slog.String(aioctl.TaskKey, e.task.Name()), slog.Int("missed", missed),
				slog.Bool("caught_up", late && run), slog.Time("planned", last))
		}
		if run {
			due = append(due, firing{e: e, planned: planned})
		}
		if !ok {
			e.over = true
			s.h.remove(0)
			continue
		}
		// Re-plan in place: the entry stays at the top and sinks to its place.
		e.setSlot(next, s.rand)
		s.h.down(0)
	}
	return due
}

// trigger starts the due tasks (with no lock held: starting a task runs
// the group's watchers) and records the outcome. It takes the lock once
// per run: to record the previous run's outcome and check the next one.
func (s *Scheduler) trigger(now time.Time, due []firing) {
	var prev *entry // the run just triggered, its outcome not yet recorded
	var started bool
	for i := range due {
		f := &due[i]
		s.mu.Lock()
		if prev != nil {
			s.recordLocked(prev, started, now)
		}
		// A user's stop, an Unschedule or a delete may have come since the
		// batch was collected: a run of a schedule that is gone is dropped.
		current := !s.closed && !f.e.paused && !f.e.gone
		s.mu.Unlock()
		prev = nil
		if !current {
			f.e = nil
			continue
		}
		var err error
		started, err = f.e.task.Trigger()
		prev = f.e
		s.fired(f, now, started)
		if !started {
			msg := "schedule: run skipped, task still running"
			if err != nil {
				msg = "schedule: run skipped: " + err.Error()
			}
			s.log().LogAttrs(context.Background(), slog.LevelInfo, msg, slog.String(aioctl.TaskKey, f.e.task.Name()))
		}
		f.e = nil
	}
	if prev != nil {
		s.mu.Lock()
		s.recordLocked(prev, started, now)
		s.mu.Unlock()
	}
}

func (s *Scheduler) recordLocked(e *entry, started bool, now time.Time) {
	if started {
		e.last = now
		s.stats.Runs++
	} else {
		e.skipped = addSat(e.skipped, 1)
		s.stats.Skipped++
	}
}
