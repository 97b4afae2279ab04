package aioctl

import (
	"context"
	"errors"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// ErrReadyTimeout is matched (with errors.Is) by the error of a WaitReady
// whose task did not call Ready within its readiness timeout.
var ErrReadyTimeout = errors.New("not ready within the readiness timeout")

// ErrNotReady is matched by the error of a WaitReady whose task ended, or
// was never started, before it was ready.
var ErrNotReady = errors.New("ended before it was ready")

// ReadyTimeoutError is the error of a WaitReady that timed out: the task
// declared readiness (WithReadiness) and did not call Ready in time.
type ReadyTimeoutError struct{ Timeout time.Duration }

// Error reads "not ready within 5s (it declares readiness: WithReadiness)".
func (e *ReadyTimeoutError) Error() string {
	return "not ready within " + e.Timeout.String() + " (it declares readiness and did not call aioctl.Ready)"
}

// Is makes errors.Is(err, ErrReadyTimeout) true.
func (e *ReadyTimeoutError) Is(target error) bool { return target == ErrReadyTimeout }

// NotReadyError is the error of a WaitReady whose task is not running and
// never became ready: State says where it is instead.
type NotReadyError struct{ State State }

// Error reads "not ready: it is error".
func (e *NotReadyError) Error() string { return "not ready: it is " + e.State.String() }

// Is makes errors.Is(err, ErrNotReady) true.
func (e *NotReadyError) Is(target error) bool { return target == ErrNotReady }

// readiness is what a task that declares readiness keeps; its fields are
// guarded by Task.mu. Tasks that do not declare it do without.
type readiness struct {
	timeout time.Duration // 0: WaitReady waits as long as its ctx allows
	ready   bool          // Ready was called in the current run
	ch      chan struct{} // closed by Ready, or by the next run's start (wakes waiters to look again)
}

// WithReadiness declares that the task tells when it is ready by calling
// Ready(ctx) from its function. Until then its status shows "starting"
// instead of "running" (JSON: "starting": true), and WaitReady waits; a
// task that does not call Ready within timeout fails the waiters with
// ErrReadyTimeout (the task itself goes on). A timeout of 0 waits as long
// as the waiter's context allows. Every start and restart begins not ready.
// Without this option a task is ready as soon as it runs.
func WithReadiness(timeout time.Duration) Option {
	return optionFunc(func(c taskConfig) taskConfig {
		c.readiness, c.readyTimeout = true, timeout
		return c
	})
}

// addReadiness gives t, being added with c, its readiness when c asks for
// it. It is kept in the group's map, not in the Task, so that the tasks
// that do not declare readiness (most) do not pay for the field.
func (g *Group) addReadiness(t *Task, c taskConfig) {
	if c.readiness { // t.x.hasRd is set (newTaskExtra)
		g.ready.Store(t, &readiness{timeout: c.readyTimeout, ch: make(chan struct{})})
	}
}

// readiness returns the task's readiness, or nil when it does not declare it.
func (t *Task) readiness() *readiness {
	if !t.DeclaresReadiness() {
		return nil
	}
	rd, _ := t.g.ready.Load(t)
	r, _ := rd.(*readiness)
	return r
}

// resetLocked begins a new run not ready; Task.mu is held. Waiters on
// the previous run's channel wake up and look again.
func (rd *readiness) resetLocked() {
	if rd == nil {
		return
	}
	if !rd.ready {
		close(rd.ch)
	}
	rd.ready, rd.ch = false, make(chan struct{})
}

// startingLocked reports whether a task in state s has not yet said it is
// ready; Task.mu is held.
func (rd *readiness) startingLocked(s State) bool {
	return rd != nil && !rd.ready && s == Running
}

// Ready tells that the task running with ctx is ready: its status turns
// from "starting" to "running", and WaitReady and the services that
// require it go on. It is for tasks added WithReadiness; elsewhere (a task
// without it, or outside any task) it does nothing. Calling it again in
// the same run does nothing.
func Ready(ctx context.Context) {
	t := FromContext(ctx)
	if t == nil {
		return
	}
	t.mu.Lock()
	became := false
	if rd := t.readiness(); rd != nil && !rd.ready && t.state == Running {
		rd.ready, became = true, true
		close(rd.ch)
	}
	t.mu.Unlock()
	if ws := t.g.readyWatchers.Load(); became && ws != nil {
		for _, w := range *ws {
			w.fn(t)
		}
	}
}

type readyWatcher struct{ fn func(*Task) }

// WatchReady calls fn, synchronously and with no lock held, each time a
// task of the group that declares readiness becomes ready (calls Ready in
// a run), until the returned function is called. fn runs on the task's
// goroutine: it must be quick and must not block. (Readiness is not a
// state change, so Watch does not report it.)
func (g *Group) WatchReady(fn func(t *Task)) (cancel func()) {
	w := &readyWatcher{fn: fn}
	g.wmu.Lock()
	var next []*readyWatcher
	if cur := g.readyWatchers.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, w)
	g.readyWatchers.Store(&next)
	g.wmu.Unlock()
	return func() {
		g.wmu.Lock()
		defer g.wmu.Unlock()
		var next []*readyWatcher
		if cur := g.readyWatchers.Load(); cur != nil {
			for _, x := range *cur {
				if x != w {
					next = append(next, x)
				}
			}
		}
		g.readyWatchers.Store(&next)
	}
}

// DeclaresReadiness reports whether the task was added WithReadiness.
func (t *Task) DeclaresReadiness() bool { return t.x != nil && t.x.hasRd }

// IsReady reports whether the task is ready now: running (and, when it
// declares readiness, having called Ready in this run), or done.
func (t *Task) IsReady() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readyLocked()
}

func (t *Task) readyLocked() bool {
	switch t.state {
	case Done:
		return true
	case Running:
		rd := t.readiness()
		return rd == nil || rd.ready
	}
	return false
}

// WaitReady waits until the task is ready (see IsReady) and returns nil.
// A task that is restarting is waited for. It returns a *TaskError
// wrapping a *ReadyTimeoutError when the task's readiness timeout, counted
// from the start of the run under way when WaitReady was called, passes
// first (on the group's clock); a *NotReadyError when the task ends for
// good, or is not started, before it is ready; ctx's error when ctx ends.
func (t *Task) WaitReady(ctx context.Context) error {
	var timer timerC
	defer timer.stop()
	for {
		t.mu.Lock()
		if t.readyLocked() {
			t.mu.Unlock()
			return nil
		}
		state, since, rd, run := t.state, t.since, t.readiness(), t.run
		var ch chan struct{}
		if rd != nil {
			ch = rd.ch
		}
		t.mu.Unlock()
		switch state {
		case Scheduled, Stopped, Error, GaveUp, Stopping:
			return &TaskError{Task: t.name, Err: &NotReadyError{State: state}}
		}
		if rd != nil && rd.timeout > 0 && timer.t == nil {
			timer.t = t.g.clock.NewTimer(since.Add(rd.timeout).Sub(t.g.clock.Now()))
		}
		var exit <-chan struct{}
		if run != nil {
			exit = run.exitChan()
		}
		select {
		case <-ch: // ready, or a new run began
		case <-exit: // ended for good: the loop above says how
		case <-timer.c():
			if t.IsReady() {
				return nil
			}
			return &TaskError{Task: t.name, Err: &ReadyTimeoutError{Timeout: rd.timeout}}
		case <-ctx.Done():
			return &TaskError{Task: t.name, Err: ctx.Err()}
		}
	}
}

// timerC is a clock timer that may not exist: its channel is then nil,
// which a select never picks.
type timerC struct{ t clock.Timer }

func (tc *timerC) c() <-chan time.Time {
	if tc.t == nil {
		return nil
	}
	return tc.t.C()
}

func (tc *timerC) stop() {
	if tc.t != nil {
		tc.t.Stop()
	}
}
