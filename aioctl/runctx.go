package aioctl

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// runCtx is the context.Context of one start of a task (the run and its
// restarts), and the signal of its goroutine's exit. The first start's is
// part of the Task record itself (Task.run0), later starts allocate one:
// where context.WithCancel, its CancelFunc closure, a done channel and a
// WithValue would be four or five allocations, a first start has none
// (the task lifecycle is the hot path of a scheduler that fires thousands
// of tasks at one instant). Its parent is the group's context
// (t.g.parent), which never changes, so it is not kept here.
//
// It cancels its children without goroutines: context.WithCancel and
// context.AfterFunc on a parent that has an AfterFunc method (as this one
// does) register with it instead of starting a goroutine that waits for
// the parent's Done (context.propagateCancel). Its Done channel is made
// only when someone asks for it, and so is the exit channel.
type runCtx struct {
	t *Task

	done atomic.Value          // chan struct{}: made by the first Done, closed by cancel
	err  atomic.Pointer[error] // set once, by cancel (under mu); read without it

	mu         sync.Mutex
	afters     *afterEntry   // AfterFunc callbacks not yet run nor stopped: a list, newest first
	stopParent func() bool   // ends the watch on a cancelable parent
	exit       chan struct{} // closed when the goroutine returns; made by the first wait; closedChan once it has returned

	// stopEmitted is closed once the Running→Stopping event of a stop is
	// out; guarded by Task.mu.
	stopEmitted chan struct{}
}

// afterEntry is one AfterFunc callback in the run's list. The list, where
// a slice and an id counter would take three more words of every task
// record, also makes a stop O(1). The callbacks run newest first: a
// cancelCtx keeps its children in a map, so no order is promised.
type afterEntry struct {
	f          func() // nil once run or stopped
	prev, next *afterEntry
}

// closedChan is the Done (and exit) channel of a run that ended before
// anyone asked for its channel.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// newRunCtx returns the context of t's next start: t.run0 for the first,
// a new one for a later start (the previous run's goroutine may still be
// in finish, and its children may outlive it). t.mu is held.
func newRunCtx(t *Task) *runCtx {
	r := &t.run0
	if t.run != nil {
		r = new(runCtx)
	}
	r.t = t
	parent := t.g.parent
	if parent.Done() == nil {
		return r // never cancelled (context.Background and its values)
	}
	if err := parent.Err(); err != nil {
		r.cancel(err)
		return r
	}
	// A *cancelCtx parent (or one with an AfterFunc method) takes this as
	// a child, without a goroutine.
	stop := context.AfterFunc(parent, func() { r.cancel(parent.Err()) })
	r.mu.Lock()
	if r.err.Load() != nil { // the parent was cancelled meanwhile
		r.mu.Unlock()
		stop()
		return r
	}
	r.stopParent = stop
	r.mu.Unlock()
	return r
}

// Deadline is the group context's deadline.
func (r *runCtx) Deadline() (time.Time, bool) { return r.t.g.parent.Deadline() }

// Done returns a channel closed when the run is cancelled.
func (r *runCtx) Done() <-chan struct{} {
	if d := r.done.Load(); d != nil {
		return d.(chan struct{})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	d, _ := r.done.Load().(chan struct{})
	if d == nil {
		d = make(chan struct{})
		r.done.Store(d)
	}
	return d
}

// Err returns nil until the run is cancelled, then context.Canceled (or
// the group context's error when that cancelled it).
// It takes no lock: the AfterFunc callbacks, which run under the run's
// lock, ask it (context.WithCancel's child.cancel(false, parent.Err(), …)).
func (r *runCtx) Err() error {
	if p := r.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Value returns the task for FromContext, and otherwise asks the group's context.
func (r *runCtx) Value(key any) any {
	if key == (taskCtxKey{}) {
		return r.t
	}
	return r.t.g.parent.Value(key)
}

// String names the context after its task, as the context package's own
// contexts name themselves (for %v in logs and panics).
func (r *runCtx) String() string { return "aioctl.Task(" + r.t.name + ")" }

// AfterFunc arranges to call f after the run is cancelled, on the goroutine
// that cancels it and under the run's lock, as a cancelCtx cancels its
// children (f must not block, nor call AfterFunc or a stop function of this
// run), and returns a function that undoes
// the arrangement and reports whether it did. context.AfterFunc and
// context.WithCancel use it (f is then theirs, which does not block), so
// neither spawns a goroutine to watch the run. When the run is already
// cancelled, f runs at once in its own goroutine: the caller may hold a
// lock that f needs.
func (r *runCtx) AfterFunc(f func()) (stop func() bool) {
	r.mu.Lock()
	if r.err.Load() != nil {
		r.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	e := &afterEntry{f: f, next: r.afters}
	if r.afters != nil {
		r.afters.prev = e
	}
	r.afters = e
	r.mu.Unlock()
	return func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		if e.f == nil {
			return false
		}
		e.f = nil
		if e.prev != nil {
			e.prev.next = e.next
		} else {
			r.afters = e.next
		}
		if e.next != nil {
			e.next.prev = e.prev
		}
		e.prev, e.next = nil, nil
		return true
	}
}

// canceledErr is the error of a stopped or finished run, stored without
// an allocation.
var canceledErr = context.Canceled

// boxErr is apart so that only an error other than Canceled (the group's
// context ending) moves to the heap.
func boxErr(err error) *error { return &err }

// cancel cancels the run with err (the first cancel wins), closes Done and
// runs the AfterFunc callbacks. A second cancel returns once the first has
// run them, as with a cancelCtx: when a stop's cancel returns, or the
// goroutine's exit is signalled, every child is cancelled.
func (r *runCtx) cancel(err error) {
	r.mu.Lock()
	stop := r.cancelLocked(err)
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// cancelLocked is cancel with r.mu held; it returns the function that ends
// the watch on the group's context, to be called without the lock.
func (r *runCtx) cancelLocked(err error) (stopParent func() bool) {
	if r.err.Load() != nil {
		return nil
	}
	if err == context.Canceled {
		r.err.Store(&canceledErr)
	} else {
		r.err.Store(boxErr(err))
	}
	if d, _ := r.done.Load().(chan struct{}); d != nil {
		close(d)
	} else {
		r.done.Store(closedChan)
	}
	for a := r.afters; a != nil; {
		f, next := a.f, a.next
		a.f, a.prev, a.next = nil, nil, nil // a later stop reports false
		f()
		a = next
	}
	stop := r.stopParent
	r.afters, r.stopParent = nil, nil
	return stop
}

// finish is the goroutine's last word: it cancels the run (its children
// end with it) and then signals the exit, under one lock.
func (r *runCtx) finish() {
	r.mu.Lock()
	stop := r.cancelLocked(context.Canceled)
	exit := r.exit
	r.exit = closedChan // exitChan's answer from now on
	r.mu.Unlock()
	if exit != nil {
		close(exit)
	}
	if stop != nil {
		stop()
	}
}

// exitChan returns the channel closed when the run's goroutine returns.
func (r *runCtx) exitChan() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.exit == nil {
		r.exit = make(chan struct{})
	}
	return r.exit
}
