package aioschedule

// The scheduler's one goroutine and one timer: it sleeps until the
// earliest entry of a min-heap (ordered by fireAt) is due, starts the due
// tasks, plans their next runs from the planned slot (never from the wake
// time), and exits when nothing is scheduled. kickLocked starts it or
// makes it re-arm its timer after a change.

import (
	"container/heap"
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

type firing struct {
	e       *entry
	name    string
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

// collectLocked pops the entries due at now, decides for each whether it
// runs (late runs are missed unless caught up), plans its next run and
// puts it back.
func (s *Scheduler) collectLocked(now time.Time, due []firing) []firing {
	for len(s.h) > 0 && !s.h[0].fireAt.After(now) {
		e := s.h[0]
		last, n, next, ok := e.plan.advance(e.slot, now, maxMissCount)
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
			e.missed += missed
			s.stats.Missed += uint64(missed)
			s.log().LogAttrs(context.Background(), slog.LevelWarn, "schedule: missed runs",
				slog.String(aioctl.TaskKey, e.task.Name()), slog.Int("missed", missed),
				slog.Bool("caught_up", late && run), slog.Time("planned", last))
		}
		if run {
			due = append(due, firing{e: e, name: e.task.Name(), planned: planned})
		}
		if !ok {
			e.over = true
			heap.Pop(&s.h)
			continue
		}
		// Re-plan in place: the entry stays at the top and sinks to its place.
		e.slot = next
		e.setFireAt(s.rand)
		heap.Fix(&s.h, 0)
	}
	return due
}

// trigger starts the due tasks (with no lock held: starting a task runs
// the group's watchers) and records the outcome.
func (s *Scheduler) trigger(now time.Time, due []firing) {
	for i := range due {
		f := &due[i]
		// A user's stop, an Unschedule or a delete may have come since the
		// batch was collected: a run of a schedule that is gone is dropped.
		s.mu.Lock()
		current := !s.closed && !f.e.paused && s.entries[f.name] == f.e
		s.mu.Unlock()
		if !current {
			f.e = nil
			continue
		}
		started, err := f.e.task.Trigger()
		s.mu.Lock()
		if started {
			f.e.last = now
			s.stats.Runs++
		} else {
			f.e.skipped++
			s.stats.Skipped++
		}
		s.mu.Unlock()
		s.fired(f, now, started)
		if !started {
			msg := "schedule: run skipped, task still running"
			if err != nil {
				msg = "schedule: run skipped: " + err.Error()
			}
			s.log().LogAttrs(context.Background(), slog.LevelInfo, msg, slog.String(aioctl.TaskKey, f.name))
		}
		f.e = nil
	}
}

// entryHeap orders entries by fireAt.
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].fireAt.Before(h[j].fireAt) }

func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *entryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*h = old[:len(old)-1]
	return e
}
