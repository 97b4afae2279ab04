package aioctl

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// What a group does to its matching tasks: start, stop, restart, delete,
// set args; and waiting for it, closing it.

// Start starts again the matching tasks that are not running, with their
// stored arguments, and returns the names it started.
func (g *Group) Start(patterns ...string) ([]string, error) {
	ts, err := g.Find(patterns...)
	return startAll(ts, err)
}

// startAll starts the tasks that are not running and joins errs with theirs.
func startAll(ts []*Task, errs ...error) ([]string, error) {
	var started []string
	for _, t := range ts {
		ok, e := t.Start()
		if ok {
			started = append(started, t.name)
		}
		errs = append(errs, e)
	}
	return started, errors.Join(errs...)
}

// Stop cancels the matching tasks (all when no pattern is given) and waits
// until their goroutines return, each up to its own stop timeout, or until
// ctx ends. It returns the names it stopped. A task still running after its
// timeout is left in state Stopping, marked as not responding, and named in
// an error that matches ErrStopTimeout; one still running when ctx ended
// is named with ctx's error. The group goes on regardless.
func (g *Group) Stop(ctx context.Context, patterns ...string) ([]string, error) {
	ts, err := g.Find(patterns...)
	return g.stop(ctx, ts, err)
}

func (g *Group) stop(ctx context.Context, ts []*Task, findErr error) ([]string, error) {
	type pending struct {
		t    *Task
		done <-chan struct{}
	}
	var wait []pending
	for _, t := range ts {
		if done := t.requestStop(); done != nil {
			wait = append(wait, pending{t, done})
		}
	}
	errs := []error{findErr}
	// Wait for each task up to its own timeout, shortest first, on one timer.
	sort.SliceStable(wait, func(i, j int) bool { return g.timeoutOf(wait[i].t) < g.timeoutOf(wait[j].t) })
	start := g.clock.Now()
	var timer clock.Timer
	gaveUp := false // ctx ended: stop waiting
	for _, p := range wait {
		if !gaveUp {
			if left := g.timeoutOf(p.t) - g.clock.Now().Sub(start); left > 0 {
				if timer == nil {
					timer = g.clock.NewTimer(left)
					defer timer.Stop()
				} else {
					timer.Reset(left)
				}
				select {
				case <-p.done:
					continue
				case <-timer.C():
				case <-ctx.Done():
					gaveUp = true
				}
			}
		}
		select {
		case <-p.done:
			continue
		default:
		}
		if gaveUp && g.clock.Now().Sub(start) < g.timeoutOf(p.t) {
			// The caller stopped waiting before the task's time was up: it
			// is still stopping, not known to be unresponsive.
			errs = append(errs, &TaskError{Task: p.t.name, Err: ctx.Err()})
			continue
		}
		p.t.markUnresponsive()
		errs = append(errs, &TaskError{Task: p.t.name, Err: ErrStopTimeout})
	}
	return names(ts), errors.Join(errs...)
}

func (g *Group) timeoutOf(t *Task) time.Duration {
	if d := t.stopTimeout(); d > 0 {
		return d
	}
	return g.stopTimeout
}

// Restart stops the matching tasks, then starts them again.
func (g *Group) Restart(ctx context.Context, patterns ...string) ([]string, error) {
	ts, err := g.Find(patterns...)
	_, stopErr := g.stop(ctx, ts, nil)
	return startAll(ts, err, stopErr)
}

// Delete stops the matching tasks and removes them from the group. A task
// that does not stop in time is removed all the same; its goroutine ends
// on its own.
func (g *Group) Delete(ctx context.Context, patterns ...string) ([]string, error) {
	ts, err := g.Find(patterns...)
	if len(patterns) == 0 {
		ts, err = nil, errors.New("aioctl: delete needs a name or pattern")
	}
	for _, t := range ts { // before the stop: nothing may start them again
		t.mu.Lock()
		t.deleted = true
		t.mu.Unlock()
	}
	_, stopErr := g.stop(ctx, ts, err)
	g.mu.Lock()
	for _, t := range ts {
		if g.tasks[t.name] == t {
			delete(g.tasks, t.name)
			g.unlinkLocked(t)
			g.ready.Delete(t)
		}
	}
	g.mu.Unlock()
	for _, t := range ts {
		g.emit(t, t.State(), t.State(), CauseDelete, g.clock.Now())
	}
	return names(ts), stopErr
}

// SetArgsJSON merges a JSON object into the arguments of the matching
// tasks; see Task.SetArgsJSON.
func (g *Group) SetArgsJSON(patch []byte, patterns ...string) ([]string, error) {
	ts, err := g.Find(patterns...)
	errs := []error{err}
	var changed []string
	for _, t := range ts {
		if e := t.SetArgsJSON(patch); e != nil {
			errs = append(errs, e)
			continue
		}
		changed = append(changed, t.name)
	}
	return changed, errors.Join(errs...)
}

// Wait blocks until no task of the group is running, waiting to restart
// or stopping (the seed's gather(*tasks())), or until ctx ends.
func (g *Group) Wait(ctx context.Context) error {
	for {
		active := g.Active()
		if len(active) == 0 {
			return nil
		}
		for _, t := range active {
			if d := t.Done(); d != nil {
				select {
				case <-d:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
	}
}

// Close stops every task and waits for them, as Stop(ctx) with no pattern.
func (g *Group) Close(ctx context.Context) error {
	_, err := g.Stop(ctx)
	return err
}
