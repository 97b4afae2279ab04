// Package clock is the time source of aiotools. Everything that waits or
// stamps a time (task runtimes, restart backoff, schedules, "N s ago") takes a
// Clock, so tests drive time with a Fake instead of sleeping.
//
// The package uses only the Go 1.23 standard library so that the core
// packages built on it also compile under TinyGo.
package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock tells the time and makes timers.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that sends the time on its channel once d has
	// passed, like time.NewTimer.
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer that aiotools uses.
type Timer interface {
	// C is the channel on which the timer delivers the time.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was active.
	Stop() bool
	// Reset changes the timer to fire after d; it reports whether it was active.
	Reset(d time.Duration) bool
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// Fake is a Clock whose time moves only when Advance or Set is called.
// Timers fire, in deadline order, when the fake time reaches their deadline.
// It is safe for concurrent use.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced whenever a timer is armed
}

// NewFake returns a Fake clock set to t.
func NewFake(t time.Time) *Fake {
	return &Fake{now: t, changed: make(chan struct{})}
}

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer driven by the fake time. A timer with d <= 0
// fires at once.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	f.mu.Lock()
	f.armLocked(t, d)
	f.mu.Unlock()
	return t
}

// Advance moves the fake time forward by d, firing every timer that falls due.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	to := f.now.Add(d)
	f.mu.Unlock()
	f.Set(to)
}

// Set moves the fake time to t (forwards or backwards), firing every timer
// whose deadline is not after t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
	sort.SliceStable(f.timers, func(i, j int) bool { return f.timers[i].when.Before(f.timers[j].when) })
	kept := f.timers[:0]
	for _, ft := range f.timers {
		if !ft.when.After(t) {
			ft.active = false
			select {
			case ft.c <- ft.when:
			default:
			}
			continue
		}
		kept = append(kept, ft)
	}
	for i := len(kept); i < len(f.timers); i++ {
		f.timers[i] = nil
	}
	f.timers = kept
}

// Timers returns how many timers are armed and not yet fired.
func (f *Fake) Timers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// Next returns the earliest deadline of the armed timers, and false when none is armed.
func (f *Fake) Next() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var next time.Time
	for _, t := range f.timers {
		if next.IsZero() || t.when.Before(next) {
			next = t.when
		}
	}
	return next, len(f.timers) > 0
}

// WaitTimers blocks until at least n timers are armed, or until done is closed
// (it then returns false). Tests use it to know that a goroutine has reached
// its wait before they advance the clock, instead of sleeping.
func (f *Fake) WaitTimers(n int, done <-chan struct{}) bool {
	for {
		f.mu.Lock()
		if len(f.timers) >= n {
			f.mu.Unlock()
			return true
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-done:
			return false
		}
	}
}

func (f *Fake) armLocked(t *fakeTimer, d time.Duration) {
	t.when = f.now.Add(d)
	if d <= 0 {
		t.active = false
		select {
		case t.c <- t.when:
		default:
		}
		return
	}
	t.active = true
	f.timers = append(f.timers, t)
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Fake) removeLocked(t *fakeTimer) bool {
	for i, ft := range f.timers {
		if ft == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			return true
		}
	}
	return false
}

type fakeTimer struct {
	f      *Fake
	c      chan time.Time
	when   time.Time
	active bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.active = false
	return t.f.removeLocked(t)
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := t.f.removeLocked(t)
	// Like time.Timer since Go 1.23: a Reset discards a value not yet received.
	select {
	case <-t.c:
	default:
	}
	t.f.armLocked(t, d)
	return was
}
