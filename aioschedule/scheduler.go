package aioschedule

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// ErrClosed is returned by Schedule after Close.
var ErrClosed = errors.New("aioschedule: scheduler is closed")

// ErrNotScheduled is returned (wrapped in an *aioctl.TaskError) by
// Unschedule for a task that has no schedule.
var ErrNotScheduled = errors.New("not scheduled")

// DefaultMissTolerance is how late a run may start before it counts as
// missed (see WithMissTolerance).
const DefaultMissTolerance = time.Minute

// DefaultMaxSleep is the longest the scheduler sleeps without looking at
// the wall clock (see WithMaxSleep).
const DefaultMaxSleep = 15 * time.Minute

// maxMissCount bounds how many missed runs are counted (and walked) at once.
const maxMissCount = 1 << 20

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithClock sets the time source; the default is the group's clock.
func WithClock(c clock.Clock) Option { return func(s *Scheduler) { s.clock = c } }

// WithRand sets the source of jitter: a function returning values in
// [0,1). Tests pass a fixed one.
func WithRand(f func() float64) Option { return func(s *Scheduler) { s.rand = f } }

// WithLogger sets where the scheduler logs missed and skipped runs; the
// default is the group's logger.
func WithLogger(l *slog.Logger) Option { return func(s *Scheduler) { s.logger = l } }

// WithMissTolerance sets how late (beyond its jitter) a run may be when
// the scheduler gets to it and still run normally. A run later than that
// was lost to a clock jump or a sleeping machine: it is counted as missed
// and runs only if its Spec asks for CatchUp. Default DefaultMissTolerance.
func WithMissTolerance(d time.Duration) Option {
	return func(s *Scheduler) { s.tolerance = d }
}

// WithMaxSleep bounds how long the scheduler sleeps before it looks at the
// wall clock again, so that a suspend (during which timers stand still) or
// a change of the system time is noticed within d. Zero means never: the
// scheduler then wakes only when a run is due. Default DefaultMaxSleep.
func WithMaxSleep(d time.Duration) Option { return func(s *Scheduler) { s.maxSleep = d } }

// WithKeepOnStop makes a user's stop keep every schedule (as Spec.Keep
// does for one), instead of unscheduling the task until it is started.
func WithKeepOnStop(keep bool) Option { return func(s *Scheduler) { s.keep = keep } }

// Stats are the scheduler's counters since New.
type Stats struct {
	// Wakeups counts the times the scheduler's timer fired.
	Wakeups uint64
	// IdleWakeups counts timer wake-ups with no run due (max-sleep checks,
	// or early wake-ups).
	IdleWakeups uint64
	// Runs counts starts by the scheduler; Skipped and Missed count runs
	// not started because the task was running or the run was missed.
	Runs, Skipped, Missed uint64
}

// Scheduler starts the tasks of a group on their schedules. It sleeps on
// one timer until the earliest run is due, in one goroutine that exists
// only while something is scheduled. Its methods are safe for concurrent use.
type Scheduler struct {
	g         *aioctl.Group
	clock     clock.Clock
	rand      func() float64
	logger    *slog.Logger
	tolerance time.Duration
	maxSleep  time.Duration
	keep      bool
	start     time.Time
	unwatch   func()
	unextend  func() // removes the scheduler's status extender

	mu      sync.Mutex
	entries map[string]*entry
	h       entryHeap
	closed  bool
	running bool          // the goroutine exists
	wake    chan struct{} // re-arm request, capacity 1
	quit    chan struct{} // closed by Close
	wg      sync.WaitGroup
	stats   Stats
	fires   fireObservers // ObserveFires (fires.go)
}

// New returns a scheduler for the tasks of g. It watches g's events (a
// user's stop unschedules, a user's start reschedules) and adds a
// schedule line to the status of each scheduled task. Close it when done.
func New(g *aioctl.Group, opts ...Option) *Scheduler {
	s := &Scheduler{
		g:         g,
		clock:     g.Clock(),
		rand:      rand.Float64,
		tolerance: DefaultMissTolerance,
		maxSleep:  DefaultMaxSleep,
		entries:   make(map[string]*entry),
		wake:      make(chan struct{}, 1),
		quit:      make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	s.start = s.clock.Now()
	s.unwatch = g.Watch(s.onEvent)
	s.unextend = g.AddStatusExtender(s)
	return s
}

// Group returns the scheduler's group.
func (s *Scheduler) Group() *aioctl.Group { return s.g }

func (s *Scheduler) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return s.g.Logger()
}

// Schedule schedules the task named task (which must be in the group) by
// spec, replacing any schedule it had. A spec that Validate refuses
// schedules nothing and returns its *SpecError; an unknown task is an
// *aioctl.NotFoundError.
func (s *Scheduler) Schedule(task string, spec Spec) error {
	p, err := compile(spec)
	if err != nil {
		return err
	}
	t, ok := s.g.Get(task)
	if !ok {
		return &aioctl.NotFoundError{Pattern: task}
	}
	now := s.clock.Now()
	slot, ok := p.first(s.start, now)
	if !ok {
		return specErr("cron", "no run within "+strconv.Itoa(searchYears)+" years")
	}
	e := &entry{task: t, spec: spec, rule: p.rule, index: -1, due: !slot.After(now)}
	e.setSlot(slot, s.rand)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if old := s.entries[task]; old != nil {
		s.removeLocked(old)
		old.gone = true
	}
	s.entries[task] = e
	s.pushLocked(e, true)
	return nil
}

// check reports what Schedule would refuse about spec, whatever the task:
// a bad spec, one that never runs, or a closed scheduler.
func (s *Scheduler) check(spec Spec) error {
	p, err := compile(spec)
	if err != nil {
		return err
	}
	if _, ok := p.first(s.start, s.clock.Now()); !ok {
		return specErr("cron", "no run within "+strconv.Itoa(searchYears)+" years")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Unschedule removes the task's schedule; the task itself is left as it is.
func (s *Scheduler) Unschedule(task string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[task]
	if e == nil {
		return &aioctl.TaskError{Task: task, Err: ErrNotScheduled}
	}
	s.dropLocked(task, e)
	return nil
}

// List returns the schedules, in task name order.
func (s *Scheduler) List() []Entry {
	s.mu.Lock()
	out := make([]Entry, 0, len(s.entries))
	for name, e := range s.entries {
		out = append(out, e.export(name))
	}
	s.mu.Unlock()
	sortEntries(out)
	return out
}

// Stats returns the scheduler's counters.
func (s *Scheduler) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close unschedules everything, stops the scheduler's goroutine and waits
// for it, and leaves the group: it stops watching its events and adding
// schedule lines to its status. It is idempotent; Schedule fails after it.
func (s *Scheduler) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return
	}
	s.closed = true
	close(s.quit)
	s.mu.Unlock()
	s.unwatch()
	s.unextend()
	s.wg.Wait()
	s.mu.Lock()
	for name, e := range s.entries {
		s.dropLocked(name, e)
	}
	s.mu.Unlock()
}

// ExtendStatus fills in st.Schedule for a scheduled task; it implements
// aioctl.StatusExtender.
func (s *Scheduler) ExtendStatus(st *aioctl.TaskStatus, debug bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[st.Name]
	if e == nil {
		return
	}
	x := e.export(st.Name)
	st.Schedule = &x.ScheduleInfo
}

// onEvent applies the seed's rules: a user's stop unschedules the task
// (unless kept), a user's start of such a task reschedules it with its
// timing, a delete forgets it.
func (s *Scheduler) onEvent(ev aioctl.Event) {
	if ev.Cause != aioctl.CauseUser && ev.Cause != aioctl.CauseDelete {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[ev.Name]
	if e == nil || e.task != ev.Task || s.closed {
		return
	}
	switch {
	case ev.Cause == aioctl.CauseDelete:
		s.dropLocked(ev.Name, e)
	case ev.To != aioctl.Running:
		// A user's stop: the task is stopping (it may take a while, or
		// ignore cancellation), or the stop ended it (Stopped, or Error
		// when it failed on its way out), or it had already ended.
		if s.keep || e.spec.Keep {
			return
		}
		s.pauseLocked(e)
	case ev.To == aioctl.Running && e.paused:
		e.paused = false
		e.due = false // the at-once run of a late schedule is this start, or was run
		now := s.clock.Now()
		slot := e.slot()
		if !slot.After(now) {
			// The run fell due while the task was stopped: this start is
			// it; the schedule goes on from its next planned run.
			e.last = now
			_, _, next, ok := e.rule.advance(slot, now, maxMissCount)
			if !ok {
				e.over = true
				return
			}
			slot = next
		}
		e.setSlot(slot, s.rand)
		s.pushLocked(e, true)
	}
}

func (s *Scheduler) pauseLocked(e *entry) {
	if e.paused || e.over {
		return
	}
	s.removeLocked(e)
	e.paused = true
}

// Pause unschedules the task until it is next started by a user (with
// Task.Start or Group.Start), keeping its timing, as a user's stop does
// (Group.Stop pauses through the group's events, whatever the task's
// state, so Pause is only needed to pause a schedule without a stop).
func (s *Scheduler) Pause(task string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[task]
	if e == nil {
		return &aioctl.TaskError{Task: task, Err: ErrNotScheduled}
	}
	s.pauseLocked(e)
	return nil
}

// pushLocked puts e in the heap (its slot and jitter set) and, with kick,
// makes sure the goroutine runs and re-arms its timer.
func (s *Scheduler) pushLocked(e *entry, kick bool) {
	s.h.push(e)
	if kick && e.index == 0 {
		s.kickLocked()
	}
}

// dropLocked forgets the schedule e of task: a run of it already
// collected is then dropped (trigger checks gone, not the map).
func (s *Scheduler) dropLocked(task string, e *entry) {
	s.removeLocked(e)
	delete(s.entries, task)
	e.gone = true
}

func (s *Scheduler) removeLocked(e *entry) {
	if e.index >= 0 {
		first := e.index == 0
		s.h.remove(int(e.index))
		if first {
			s.kickLocked()
		}
	}
}
