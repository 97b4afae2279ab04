package aioctl

import (
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// Statser is implemented by a task's arguments (a pointer to the task's
// state, typically) that can report figures about the task: counters,
// gauges, the last value read. Status and the stats verb show them.
type Statser interface {
	Stats() map[string]any
}

// WithStats gives a task a stats function: its value, encoded as JSON,
// becomes the Stats of the task's status (a map, or any typed value, a
// struct for one). It takes precedence over arguments that implement
// Statser. f is called on every snapshot, with no lock held, on a worker
// goroutine of the snapshot: it must be quick, should not block (one that
// does is given up after the group's stats timeout, WithStatsTimeout), and
// must be safe to call while the task runs. Clones and tasks of a kind share f.
func WithStats[S any](f func() S) Option {
	return optionFunc(func(c taskConfig) taskConfig {
		if f == nil {
			c.stats = nil
		} else {
			c.stats = func() any { return f() }
		}
		return c
	})
}

// DefaultStatsTimeout is how long a snapshot waits for one task's stats
// function before it goes on without that task's stats (WithStatsTimeout).
const DefaultStatsTimeout = time.Second

// WithStatsTimeout sets how long a snapshot (Status, Snapshot, Task.Stats)
// waits for one task's stats function; d <= 0 means DefaultStatsTimeout.
// A function still running after between d and 2*d is given up: that
// task's StatsError says "stats: did not return within d" (a
// *StatsTimeoutError), the others' stats are filled in as usual, and until
// that call returns later snapshots report it at once without calling the
// function again.
func WithStatsTimeout(d time.Duration) GroupOption {
	return func(g *Group) {
		if d <= 0 {
			d = DefaultStatsTimeout
		}
		g.statsWait = d
	}
}

// statsSource is the task's stats function, or nil when it has none.
func (t *Task) statsSource() func() any {
	if f := t.statsFunc(); f != nil {
		return f
	}
	if h, ok := t.r.(interface{ argsAny() any }); ok {
		if s, ok := h.argsAny().(Statser); ok && s != nil {
			return func() any { return s.Stats() }
		}
	}
	return nil
}

// hasStatsSource is statsSource() != nil without making the closure.
func (t *Task) hasStatsSource() bool {
	if t.statsFunc() != nil {
		return true
	}
	if h, ok := t.r.(interface{ argsAny() any }); ok {
		s, ok := h.argsAny().(Statser)
		return ok && s != nil
	}
	return false
}

// HasStats reports whether the task has a stats source (WithStats, or
// arguments that implement Statser).
func (t *Task) HasStats() bool { return t.hasStatsSource() }

// Stats calls the task's stats source and returns its value as JSON; nil
// when the task has none. A stats function that panics, or whose value
// cannot be encoded, gives an error (a *PanicError for a panic) and
// nothing else: the caller, and the other tasks' stats, go on. One that
// does not return within the group's stats timeout gives a
// *StatsTimeoutError (WithStatsTimeout).
func (t *Task) Stats() (json.RawMessage, error) {
	if !t.hasStatsSource() {
		return nil, nil
	}
	var st [1]TaskStatus
	var errs [1]error
	fillStats([]*Task{t}, st[:], errs[:], t.g.clock, t.g.statsWait)
	return st[0].Stats, errs[0]
}

func callStats(f func() any) (b json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, newPanicError(p)
		}
	}()
	v := f()
	if v == nil {
		return nil, nil
	}
	b, err = json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return b, nil
}

// Why a worker goroutine: a stats function must not block, but one that
// does (a bug, a lock held by a stuck task) would otherwise hang every
// status and stats request of the program. Go cannot interrupt a call, so
// the snapshot's goroutine hands the calls to one worker per snapshot (not
// one per call: a round trip per task would cost more than the calls) and
// watches its progress with one timer. The worker counts the calls it
// starts; when a tick of the timer finds the same call still running as
// the tick before, that call has run for at least the timeout: the
// snapshot marks it, leaves the worker to finish it alone, and starts a
// fresh worker for the tasks after it. A snapshot of tasks without stats
// starts nothing.
//
// Under TinyGo (cooperative goroutines) this holds for a stats function
// that blocks on a channel, a lock or a sleep, since blocking yields; one
// that spins without yielding holds the only thread, and nothing can bound
// it there.

const (
	statsIdle      = -1 // the worker is between calls
	statsAbandoned = -2 // the snapshot gave up on the call in progress
)

// statsRun is one worker's share of a snapshot's stats calls.
type statsRun struct {
	ts      []*Task
	out     []TaskStatus
	errs    []error // Task.Stats wants the error itself; nil for a snapshot
	timeout time.Duration
	cur     atomic.Int64  // the index of the call in progress, statsIdle or statsAbandoned
	seq     atomic.Uint64 // calls started: the snapshot sees progress
	done    chan struct{} // closed when the worker ends
}

// testHookStatsReturned, when set by a test, is called when a stats call
// that a snapshot gave up on returns.
var testHookStatsReturned atomic.Pointer[func(*Task)]

// fillStats puts the stats of the tasks ts into out (and their errors into
// errs, when not nil), waiting for each call at most between timeout and
// twice it.
func fillStats(ts []*Task, out []TaskStatus, errs []error, c clock.Clock, timeout time.Duration) {
	first := -1
	for i, t := range ts {
		if t.hasStatsSource() {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	r := startStatsRun(ts, out, errs, timeout, first)
	timer := c.NewTimer(timeout)
	var last uint64
	for {
		select {
		case <-r.done:
			timer.Stop()
			return
		case <-timer.C():
		}
		seq, cur := r.seq.Load(), r.cur.Load()
		if cur >= 0 && seq == last && r.abandon(int(cur)) {
			r.put(int(cur), nil, &StatsTimeoutError{After: timeout})
			r = startStatsRun(ts, out, errs, timeout, int(cur)+1)
			seq = 0
		}
		last = seq
		timer.Reset(timeout)
	}
}

func startStatsRun(ts []*Task, out []TaskStatus, errs []error, timeout time.Duration, from int) *statsRun {
	r := &statsRun{ts: ts, out: out, errs: errs, timeout: timeout, done: make(chan struct{})}
	r.cur.Store(statsIdle)
	go r.work(from)
	return r
}

// work calls the stats functions of ts[from:], writing each result before
// it starts the next call; it writes nothing once abandoned.
func (r *statsRun) work(from int) {
	defer close(r.done)
	for i := from; i < len(r.ts); i++ {
		t := r.ts[i]
		f := t.statsSource()
		if f == nil {
			continue
		}
		if t.x.statsStuck.Load() != nil { // f != nil: t has its taskExtra
			r.put(i, nil, &StatsTimeoutError{After: r.timeout, StillBlocked: true})
			continue
		}
		r.cur.Store(int64(i))
		r.seq.Add(1)
		b, err := callStats(f)
		if !r.cur.CompareAndSwap(int64(i), statsIdle) {
			// The snapshot gave up on this call and went on without us.
			t.x.statsStuck.CompareAndSwap(r, nil)
			if h := testHookStatsReturned.Load(); h != nil {
				(*h)(t)
			}
			return
		}
		r.put(i, b, err)
	}
}

// abandon gives up on the call to ts[i]'s stats function, unless it has
// just returned. The task is marked first, so that the worker, which
// clears the mark when the call returns, always finds it.
func (r *statsRun) abandon(i int) bool {
	t := r.ts[i]
	t.x.statsStuck.Store(r) // a task whose stats are called has its taskExtra
	if r.cur.CompareAndSwap(int64(i), statsAbandoned) {
		return true
	}
	t.x.statsStuck.CompareAndSwap(r, nil)
	return false
}

func (r *statsRun) put(i int, b json.RawMessage, err error) {
	r.out[i].Stats = b
	if err != nil {
		r.out[i].StatsError = "stats: " + err.Error()
	}
	if r.errs != nil {
		r.errs[i] = err
	}
}
