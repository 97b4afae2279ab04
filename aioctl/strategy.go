package aioctl

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Strategy says which tasks of a supervised set restart when one fails,
// as Erlang/OTP's supervisors do.
type Strategy uint8

const (
	// OneForOne restarts only the task that failed (the default).
	OneForOne Strategy = iota
	// OneForAll stops the other tasks of the set, in reverse order, and
	// starts them all again in order: for tasks that cannot work without
	// one another.
	OneForAll
	// RestForOne stops the tasks started after the failed one, in reverse
	// order, and starts the failed one and those again in order: for a
	// chain where each task depends on the ones before it.
	RestForOne
)

var strategyNames = [...]string{"one_for_one", "one_for_all", "rest_for_one"}

// String returns "one_for_one", "one_for_all" or "rest_for_one".
func (s Strategy) String() string {
	if int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return "unknown"
}

// MarshalText encodes the strategy as its name.
func (s Strategy) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "one_for_one", "one_for_all" or "rest_for_one".
func (s *Strategy) UnmarshalText(b []byte) error {
	for i, n := range strategyNames {
		if n == string(b) {
			*s = Strategy(i)
			return nil
		}
	}
	return &ArgError{Field: "strategy", Msg: "unknown strategy " + quote(string(b)) + " (want one_for_one, one_for_all or rest_for_one)"}
}

// Intensity bounds how often a supervisor restarts: at most Restarts
// restarts within any Period. The failure that would be restart number
// Restarts+1 within Period makes the supervisor give up. The zero value
// means 3 restarts in 5 seconds; Restarts 0 with a Period gives up on the
// first failure.
type Intensity struct {
	Restarts int
	Period   time.Duration
}

func (in Intensity) withDefaults() Intensity {
	if in.Restarts == 0 && in.Period == 0 {
		return Intensity{Restarts: 3, Period: 5 * time.Second}
	}
	if in.Restarts < 0 {
		in.Restarts = 0
	}
	return in
}

// SupervisorSpec configures Group.Supervise.
type SupervisorSpec struct {
	// Name names the supervisor in its log lines and errors; default "supervisor".
	Name      string
	Strategy  Strategy
	Intensity Intensity
	// OnGiveUp, when set, is called once, on the supervisor's goroutine,
	// with the *GaveUpError when the intensity is exceeded.
	OnGiveUp func(error)
}

// ErrGaveUp is matched (with errors.Is) by a *GaveUpError.
var ErrGaveUp = errors.New("supervisor gave up")

// GaveUpError says that a supervisor exceeded its restart intensity: Task
// failed once more after Restarts restarts within Period. The supervisor
// then stopped its tasks and restarts nothing any more.
type GaveUpError struct {
	Supervisor string
	Task       string
	Strategy   Strategy
	Intensity  Intensity
}

// Error reads `supervisor "x" gave up: task "b" failed after 3 restarts
// within 5s (one_for_all)`.
func (e *GaveUpError) Error() string {
	return "supervisor " + quote(e.Supervisor) + " gave up: task " + quote(e.Task) + " failed after " +
		strconv.Itoa(e.Intensity.Restarts) + " restarts within " + e.Intensity.Period.String() + " (" + e.Strategy.String() + ")"
}

// Is makes errors.Is(err, ErrGaveUp) true.
func (e *GaveUpError) Is(target error) bool { return target == ErrGaveUp }

// restartRing holds the times of the last restarts, at most Restarts of
// them, in an array allocated once: its memory does not grow with the
// number of failures.
type restartRing struct {
	at   []int64 // unix nanoseconds; len == cap == Restarts
	head int     // the oldest entry once full
	n    int
}

func newRestartRing(size int) restartRing { return restartRing{at: make([]int64, size)} }

// allow records a restart at now and reports true, or reports false when
// it would be one more than len(at) restarts within period.
func (r *restartRing) allow(now time.Time, period time.Duration) bool {
	ns := now.UnixNano()
	if len(r.at) == 0 {
		return false
	}
	if r.n < len(r.at) {
		r.at[(r.head+r.n)%len(r.at)] = ns
		r.n++
		return true
	}
	if ns-r.at[r.head] < int64(period) {
		return false
	}
	r.at[r.head] = ns
	r.head = (r.head + 1) % len(r.at)
	return true
}

// Supervisor restarts a set of tasks of a group by a Strategy when one of
// them fails, within a restart Intensity. Create one with Group.Supervise;
// Close it when done. It has one goroutine.
type Supervisor struct {
	g     *Group
	spec  SupervisorSpec
	tasks []*Task // in start order
	index map[*Task]int

	ctx     context.Context
	cancel  context.CancelFunc
	unwatch func()
	kick    chan struct{} // a failure is pending
	exited  chan struct{} // the goroutine returned
	done    chan struct{} // closed on give up or Close

	mu       sync.Mutex
	pending  []bool // failed and not yet handled, by index
	ring     restartRing
	restarts int
	err      error
	closed   bool
}

// Supervise puts the tasks matching names (exact names or '*' patterns,
// in the group's order, which is the order they start in) under a
// supervisor. A task fails when it ends on its own in state Error; a
// task's own restart policy, if any, acts first, and the supervisor sees
// only the failures it gave up on. Tasks that end Done or are stopped by
// hand are left alone. A name that matches nothing is an error, and no
// supervisor is made.
func (g *Group) Supervise(spec SupervisorSpec, names ...string) (*Supervisor, error) {
	if len(names) == 0 {
		return nil, errors.New("aioctl: supervise needs a name or pattern")
	}
	if int(spec.Strategy) >= len(strategyNames) {
		return nil, &ArgError{Field: "strategy", Msg: "unknown strategy " + strconv.Itoa(int(spec.Strategy))}
	}
	ts, err := g.Find(names...)
	if err != nil {
		return nil, err
	}
	if spec.Name == "" {
		spec.Name = "supervisor"
	}
	spec.Intensity = spec.Intensity.withDefaults()
	s := &Supervisor{g: g, spec: spec, tasks: ts, index: make(map[*Task]int, len(ts)),
		kick: make(chan struct{}, 1), exited: make(chan struct{}), done: make(chan struct{}),
		pending: make([]bool, len(ts)), ring: newRestartRing(spec.Intensity.Restarts)}
	for i, t := range ts {
		s.index[t] = i
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.unwatch = g.Watch(s.event)
	go s.run()
	return s, nil
}

// event is the group watcher: it marks a failure and wakes the goroutine.
func (s *Supervisor) event(e Event) {
	i, ok := s.index[e.Task]
	if !ok || e.Cause != CauseExit || (e.To != Error && e.To != GaveUp) {
		return
	}
	s.mu.Lock()
	s.pending[i] = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Supervisor) run() {
	defer close(s.exited)
	for {
		select {
		case <-s.kick:
		case <-s.ctx.Done():
			return
		}
		for {
			i := s.next()
			if i < 0 {
				break
			}
			if !s.handle(i) {
				return
			}
		}
	}
}

// next returns the first pending failure and clears it, or -1.
func (s *Supervisor) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if p {
			s.pending[i] = false
			return i
		}
	}
	return -1
}

// handle restarts what the strategy says after the failure of task i; it
// returns false when the supervisor gave up or was closed.
func (s *Supervisor) handle(i int) bool {
	now := s.g.clock.Now()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if !s.ring.allow(now, s.spec.Intensity.Period) {
		err := &GaveUpError{Supervisor: s.spec.Name, Task: s.tasks[i].name, Strategy: s.spec.Strategy, Intensity: s.spec.Intensity}
		s.err = err
		s.mu.Unlock()
		s.giveUp(err)
		return false
	}
	s.restarts++
	s.mu.Unlock()
	set := s.tasks[i : i+1]
	switch s.spec.Strategy {
	case OneForAll:
		set = s.tasks
	case RestForOne:
		set = s.tasks[i:]
	}
	// Stop the others, last started first, each within its stop timeout.
	for j := len(set) - 1; j >= 0; j-- {
		if set[j] == s.tasks[i] {
			continue
		}
		if _, err := s.g.stop(s.ctx, set[j:j+1], nil); err != nil {
			s.log("stopping for a restart: " + err.Error())
		}
	}
	// Their failures before the stop are part of this restart.
	s.mu.Lock()
	for _, t := range set {
		s.pending[s.index[t]] = false
	}
	s.mu.Unlock()
	for _, t := range set {
		if s.ctx.Err() != nil {
			return false
		}
		if _, err := t.start(CauseRestart); err != nil {
			s.log("restart: " + err.Error())
			continue
		}
		if t.DeclaresReadiness() { // the next one may need it ready
			if err := t.WaitReady(s.ctx); err != nil {
				s.log("restart: " + err.Error())
			}
		}
	}
	return true
}

func (s *Supervisor) giveUp(err error) {
	for j := len(s.tasks) - 1; j >= 0; j-- {
		s.g.stop(s.ctx, s.tasks[j:j+1], nil)
	}
	s.log(err.Error())
	close(s.done)
	if s.spec.OnGiveUp != nil {
		s.spec.OnGiveUp(err)
	}
}

func (s *Supervisor) log(msg string) {
	s.g.Logger().LogAttrs(context.Background(), slog.LevelError, msg, slog.String(TaskKey, s.spec.Name))
}

// Name returns the supervisor's name.
func (s *Supervisor) Name() string { return s.spec.Name }

// Restarts returns how many restarts the supervisor made.
func (s *Supervisor) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// Err returns the *GaveUpError once the supervisor gave up, else nil.
func (s *Supervisor) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Done returns a channel closed when the supervisor gives up.
func (s *Supervisor) Done() <-chan struct{} { return s.done }

// Close ends the supervision (the tasks go on as they are) and waits for
// the supervisor's goroutine, which may be stopping tasks for a restart.
func (s *Supervisor) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.unwatch()
	s.cancel()
	<-s.exited
}
