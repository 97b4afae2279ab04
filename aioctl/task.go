package aioctl

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// TaskKey is the slog attribute key that carries a task's name. aiolog's
// handler prints it as the line's first bracket: "[pyb] [INFO] [blink] …".
const TaskKey = "task"

// Task is one named unit of work of a Group. Its methods are safe for
// concurrent use. A Task is created by Add and stays in its group until it
// is deleted.
type Task struct {
	g          *Group
	name       string
	r          runner
	x          *taskExtra // the options few tasks use; nil when none is
	seq        uint64     // the group's add counter at Add: the group's order
	prev, next *Task      // the group's order, as a list: Delete is O(1)
	addedLen   uint32     // the name Add got, before de-duplication, is name[:addedLen]: Clone reuses it

	mu           sync.Mutex
	state        State
	resultSet    bool
	unresponsive bool
	deleted      bool      // removed from its group: never starts again
	since        time.Time // when the current or last run started
	ended        time.Time // when the last run ended
	result       any
	err          error
	run          *runCtx // the current (or last) start's context and exit signal; nil before the first start

	// run0 is the first start's context: a task that runs once (most)
	// needs no allocation for it. Later starts allocate their own.
	run0 runCtx
}

// taskExtra is what a task added with a restart policy, a stop timeout or
// a stats function keeps. Most tasks use none of them and do without it:
// the record stays smaller and holds fewer pointers for the collector to
// scan (issue 13). It does not change after Add.
type taskExtra struct {
	statsStuck  atomic.Pointer[statsRun] // the run abandoned in this task's stats call, until it returns (stats.go)
	hasRd       bool                     // WithReadiness: its *readiness is in Group.ready (ready.go)
	mayStat     bool                     // the arguments may be a Statser (taskConfig.mayStat)
	stopTimeout time.Duration
	stats       func() any   // WithStats (stats.go); nil: none, or the arguments' Statser
	restart     restartState // when hasRestart
	hasRestart  bool         // the policy is not Never
}

// newTaskExtra is the side record for c, or nil when c needs none.
func newTaskExtra(c taskConfig) *taskExtra {
	if c.stopTimeout == 0 && c.stats == nil && (c.restart == nil || c.restart.Mode == Never) && !c.readiness && !c.mayStat {
		return nil
	}
	x := &taskExtra{hasRd: c.readiness, mayStat: c.mayStat, stopTimeout: c.stopTimeout, stats: c.stats}
	if c.restart != nil && c.restart.Mode != Never {
		x.hasRestart = true
		x.restart = restartState{policy: c.restart.withDefaults(), kick: make(chan struct{}, 1)}
	}
	return x
}

// rs is the task's restart state, or nil when its policy is Never.
func (t *Task) rs() *restartState {
	if t.x == nil || !t.x.hasRestart {
		return nil
	}
	return &t.x.restart
}

// stopTimeout is the task's own stop timeout (WithStopTimeout), or 0.
func (t *Task) stopTimeout() time.Duration {
	if t.x == nil {
		return 0
	}
	return t.x.stopTimeout
}

// statsFunc is the task's WithStats function, or nil.
func (t *Task) statsFunc() func() any {
	if t.x == nil {
		return nil
	}
	return t.x.stats
}

// config is the configuration the task was added with, as Clone reuses it
// (rebuilt from what the task keeps, so that a task does not carry it twice).
func (t *Task) config() taskConfig {
	c := taskConfig{name: t.name[:t.addedLen], stopTimeout: t.stopTimeout(), stats: t.statsFunc(), mayStat: t.x != nil && t.x.mayStat}
	if rd := t.readiness(); rd != nil {
		c.readiness, c.readyTimeout = true, rd.timeout
	}
	if rs := t.rs(); rs != nil {
		p := rs.policy
		c.restart = &p
	}
	return c
}

// restartState is what a task with a restart policy keeps; tasks that
// never restart (the default) do without it.
type restartState struct {
	policy   RestartPolicy
	restarts int           // restarts since the last start by hand or stable run; guarded by Task.mu
	history  []time.Time   // restart times inside the budget window; guarded by Task.mu
	next     time.Time     // when a restarting task runs again; guarded by Task.mu
	kick     chan struct{} // a start by hand ends the backoff wait
}

func (rs *restartState) reset() {
	if rs != nil {
		rs.restarts, rs.history = 0, rs.history[:0]
	}
}

// taskCtxKey finds a task through its run's context (runCtx.Value).
type taskCtxKey struct{}

// FromContext returns the task whose function was given ctx, or nil.
func FromContext(ctx context.Context) *Task {
	t, _ := ctx.Value(taskCtxKey{}).(*Task)
	return t
}

// Logger returns the logger of the task running with ctx: its group's
// logger with the task's name as the TaskKey attribute. Outside a task it
// returns slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	if t := FromContext(ctx); t != nil {
		return t.g.Logger().With(TaskKey, t.name)
	}
	return slog.Default()
}

// Name returns the task's name.
func (t *Task) Name() string { return t.name }

// Group returns the task's group.
func (t *Task) Group() *Group { return t.g }

// State returns the task's state.
func (t *Task) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// Result returns the task's result: what its function returned, or what
// the on-stop or on-error callback returned.
func (t *Task) Result() any {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.result
}

// Err returns the error of the task's last run (a *PanicError after a
// panic), or nil.
func (t *Task) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Done returns a channel closed when the goroutine of the task's current
// (or last) start returns, after all its restarts; nil if the task never started.
func (t *Task) Done() <-chan struct{} {
	t.mu.Lock()
	r := t.run
	t.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.exitChan()
}

// SetArgsJSON merges the fields of a JSON object into the task's
// arguments; they take effect at its next start. Unknown fields, wrong types
// and malformed JSON are an error that names the field, and change nothing.
// A time.Duration field follows the Duration rule: a number is seconds,
// a string a Go duration ("3s"); a negative or out-of-range one is refused.
func (t *Task) SetArgsJSON(patch []byte) error {
	if err := t.r.mergeArgs(patch); err != nil {
		return &TaskError{Task: t.name, Err: err}
	}
	return nil
}

// Start runs the task again, keeping its name and arguments, unless it is
// running. It reports whether it started it. A task that is waiting to
// restart starts at once.
func (t *Task) Start() (bool, error) { return t.start(CauseUser) }

// Trigger starts the task, unless it is running, on behalf of a scheduler:
// it is Start without resetting the restart history, and its event has
// CauseTrigger.
func (t *Task) Trigger() (bool, error) { return t.start(CauseTrigger) }

func (t *Task) start(cause Cause) (bool, error) {
	now := t.g.clock.Now()
	t.mu.Lock()
	if t.deleted {
		t.mu.Unlock()
		return false, &TaskError{Task: t.name, Err: ErrDeleted}
	}
	prev := t.state
	switch prev {
	case Running:
		t.mu.Unlock()
		return false, nil
	case Stopping:
		t.mu.Unlock()
		return false, &TaskError{Task: t.name, Err: ErrStillStopping}
	case Restarting: // only a task with a restart policy gets here
		if cause == CauseUser {
			t.rs().reset()
		}
		select {
		case t.rs().kick <- struct{}{}:
		default:
		}
		t.mu.Unlock()
		return true, nil
	}
	if cause == CauseUser {
		t.rs().reset()
	}
	r := newRunCtx(t)
	t.run = r
	t.state, t.since, t.unresponsive = Running, now, false
	t.result, t.resultSet, t.err = nil, false, nil
	t.r.apply()
	t.readiness().resetLocked()
	t.mu.Unlock()
	t.g.emit(t, prev, Running, cause, now)
	go r.loop() // a closure of one pointer, where t.loop(r) would hold two
	return true, nil
}

// requestStop cancels the task and returns the channel its goroutine closes
// on return (nil when nothing runs).
func (t *Task) requestStop() <-chan struct{} {
	now := t.g.clock.Now()
	t.mu.Lock()
	prev := t.state
	switch prev {
	case Running, Restarting:
		t.state = Stopping
		r := t.run
		emitted := make(chan struct{})
		r.stopEmitted = emitted
		t.mu.Unlock()
		// The Stopping event goes out before the cancel, and the goroutine
		// waits for it (stopEmitted) before it reports Stopped, so
		// watchers see the two in order.
		t.g.emit(t, prev, Stopping, CauseUser, now)
		close(emitted)
		r.cancel(context.Canceled)
		return r.exitChan()
	case Stopping:
		r := t.run
		t.mu.Unlock()
		return r.exitChan()
	case Scheduled:
		t.state, t.ended = Stopped, now
		t.mu.Unlock()
		t.g.emit(t, prev, Stopped, CauseUser, now)
		return nil
	}
	t.mu.Unlock()
	// Nothing runs, but watchers still hear of the stop (a scheduler
	// unschedules a task stopped by hand, whatever its state).
	t.g.emit(t, prev, prev, CauseUser, now)
	return nil
}

func (t *Task) markUnresponsive() {
	t.mu.Lock()
	if t.state == Stopping {
		t.unresponsive = true
	}
	t.mu.Unlock()
}

func (t *Task) invoke(ctx context.Context) (res any, err error, panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			res, err, panicked = nil, newPanicError(v), true
		}
	}()
	res, err = t.r.call(ctx)
	return res, err, false
}

// isPanic reports whether err is or wraps a *PanicError. It is apart from
// loop so that the target errors.As needs is allocated only for an error.
func isPanic(err error) bool {
	var pe *PanicError
	return errors.As(err, &pe)
}

// loop is the task's goroutine: one run, then as many restarts as the
// policy asks for.
func (ctx *runCtx) loop() {
	t := ctx.t
	defer ctx.finish()
	for {
		res, err, panicked := t.invoke(ctx)
		end := t.g.clock.Now()
		var state State
		switch {
		case panicked || err != nil && isPanic(err):
			state = Error
		case ctx.Err() != nil:
			state = Stopped
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				err = nil
			}
		case err != nil:
			state = Error
		default:
			state = Done
		}
		set := state == Done
		if state == Stopped {
			if v, ok := t.callback(func() (any, bool) { return t.r.stopped() }); ok {
				res, set = v, true
			}
		}
		if state == Error {
			t.logFailure(err)
			if v, ok := t.callback(func() (any, bool) { return t.r.failed(err) }); ok {
				res, set = v, true
			}
		}

		t.mu.Lock()
		prev := t.state
		rs := t.rs()
		restart := rs != nil && state != Stopped && prev != Stopping && !t.deleted && rs.policy.Mode.wants(state)
		if rs != nil && end.Sub(t.since) >= rs.policy.ResetAfter {
			rs.restarts = 0
		}
		if restart && rs.policy.Budget > 0 {
			rs.pruneHistory(end)
			if len(rs.history) >= rs.policy.Budget {
				restart, state = false, GaveUp
				rs.restarts = len(rs.history)
			}
		}
		if prev == Stopping && state != Error {
			state = Stopped
		}
		t.ended, t.result, t.resultSet, t.err, t.unresponsive = end, res, set, err, false
		var delay time.Duration
		if restart {
			delay = rs.policy.backoff(rs.restarts, t.g.random())
			rs.restarts++
			rs.history = append(rs.history, end)
			rs.next = end.Add(delay)
			t.state = Restarting
		} else {
			t.state = state
		}
		emitted := ctx.stopEmitted
		t.mu.Unlock()
		cause := CauseExit
		if prev == Stopping {
			cause = CauseUser
			<-emitted
		}
		if !restart {
			t.g.emit(t, prev, state, cause, end)
			return
		}
		t.g.emit(t, prev, Restarting, cause, end)
		if !t.waitRestart(ctx, delay) {
			return
		}
	}
}

// waitRestart waits out the backoff delay; it returns false when the task
// was stopped meanwhile.
func (t *Task) waitRestart(ctx *runCtx, delay time.Duration) bool {
	tm := t.g.clock.NewTimer(delay)
	select {
	case <-tm.C():
	case <-t.rs().kick:
	case <-ctx.Done():
	}
	tm.Stop()
	now := t.g.clock.Now()
	t.mu.Lock()
	if ctx.Err() == nil && t.state == Restarting {
		prev := t.state
		t.state, t.since = Running, now
		t.result, t.resultSet, t.err = nil, false, nil
		t.r.apply()
		t.readiness().resetLocked()
		t.mu.Unlock()
		t.g.emit(t, prev, Running, CauseRestart, now)
		return true
	}
	t.mu.Unlock()
	{ // stopped while waiting
		res, set := t.callback(func() (any, bool) { return t.r.stopped() })
		t.mu.Lock()
		prev := t.state
		t.state, t.ended, t.unresponsive = Stopped, now, false
		if set {
			t.result, t.resultSet = res, true
		}
		emitted := ctx.stopEmitted
		t.mu.Unlock()
		if prev == Stopping {
			<-emitted
		}
		t.g.emit(t, prev, Stopped, CauseUser, now)
		return false
	}
}

func (rs *restartState) pruneHistory(now time.Time) {
	keep := rs.history[:0]
	for _, at := range rs.history {
		if now.Sub(at) < rs.policy.Window {
			keep = append(keep, at)
		}
	}
	rs.history = keep
}

// logFailure writes the seed's "[name] ErrType: msg" line to the task's logger.
func (t *Task) logFailure(err error) {
	l := t.g.Logger()
	if l == nil {
		return
	}
	l.LogAttrs(context.Background(), slog.LevelError, describeError(err), slog.String(TaskKey, t.name))
}

// callback runs an on-stop or on-error callback. A callback that panics
// does not take the process down: its panic becomes the task's result.
func (t *Task) callback(f func() (any, bool)) (v any, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			pe := newPanicError(p)
			t.logFailure(pe)
			v, ok = "callback "+pe.Error(), true
		}
	}()
	return f()
}
