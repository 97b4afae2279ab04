package aioctl

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// DefaultStopTimeout is how long a stop waits for a task to return unless
// the group or the task says otherwise.
const DefaultStopTimeout = 5 * time.Second

// LogSource is what a group needs of a log to show a task's lines in its
// status (aiolog's Ring is one). TaskLog returns the last n lines (all when
// n <= 0) that the task wrote, oldest first, without trailing newlines.
type LogSource interface {
	TaskLog(task string, n int) []string
}

// StatusExtender adds to a task's status what a higher layer knows about
// it: aioschedule fills in Schedule, aioservice fills in Service.
type StatusExtender interface {
	ExtendStatus(st *TaskStatus, debug bool)
}

// Group owns a set of named tasks. Create one with NewGroup, or use the
// package-level functions, which act on Default(). Its methods are safe for
// concurrent use.
type Group struct {
	name        string
	clock       clock.Clock
	parent      context.Context
	stopTimeout time.Duration
	logger      atomic.Pointer[slog.Logger]
	rand        func() float64
	debug       atomic.Bool

	mu        sync.RWMutex
	tasks     map[string]*Task
	head      *Task  // the first task added that is still here; Task.next goes on
	tail      *Task  // the last one
	seq       uint64 // tasks ever added: Task.seq
	suffix    map[string]int
	log       LogSource
	extenders []*extender // copied on write: Snapshot reads them unlocked
	kinds     map[string]*kindEntry

	watchers atomic.Pointer[[]*watcher]
	wmu      sync.Mutex // serialises changes to watchers

	ready         sync.Map                        // *Task → *readiness, for tasks added WithReadiness (ready.go)
	readyWatchers atomic.Pointer[[]*readyWatcher] // WatchReady (ready.go)
}

// GroupOption configures a Group.
type GroupOption func(*Group)

// WithClock sets the group's time source (a clock.Fake in tests).
func WithClock(c clock.Clock) GroupOption { return func(g *Group) { g.clock = c } }

// WithGroupName names the group (shown in debug status); default "default".
func WithGroupName(name string) GroupOption { return func(g *Group) { g.name = name } }

// WithContext makes every task's context a child of ctx: cancelling it
// stops all the group's tasks.
func WithContext(ctx context.Context) GroupOption { return func(g *Group) { g.parent = ctx } }

// WithDefaultStopTimeout sets the stop timeout of tasks that set none.
func WithDefaultStopTimeout(d time.Duration) GroupOption {
	return func(g *Group) { g.stopTimeout = d }
}

// WithLogger sets the slog logger tasks write to (see Logger); default
// slog.Default(). It is where lines go; WithLogSource is where status
// reads them back.
func WithLogger(l *slog.Logger) GroupOption { return func(g *Group) { g.logger.Store(l) } }

// WithLogSource attaches the log whose lines status shows under each task
// (an aiolog Ring, usually the one behind WithLogger's handler).
func WithLogSource(src LogSource) GroupOption { return func(g *Group) { g.log = src } }

// WithRand sets the source of restart jitter: a function returning values
// in [0,1). Tests pass a fixed one.
func WithRand(f func() float64) GroupOption { return func(g *Group) { g.rand = f } }

// NewGroup returns an empty group.
func NewGroup(opts ...GroupOption) *Group {
	g := &Group{
		name:        "default",
		clock:       clock.Real{},
		parent:      context.Background(),
		stopTimeout: DefaultStopTimeout,
		rand:        rand.Float64,
		tasks:       make(map[string]*Task),
		suffix:      make(map[string]int),
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Name returns the group's name.
func (g *Group) Name() string { return g.name }

// Clock returns the group's time source.
func (g *Group) Clock() clock.Clock { return g.clock }

// Logger returns the logger tasks log to.
func (g *Group) Logger() *slog.Logger {
	if l := g.logger.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// SetLogger replaces the slog logger tasks write to.
func (g *Group) SetLogger(l *slog.Logger) { g.logger.Store(l) }

// SetLogSource attaches (or, with nil, detaches) the log whose lines
// status shows under each task, as the seed's set_log.
func (g *Group) SetLogSource(src LogSource) {
	g.mu.Lock()
	g.log = src
	g.mu.Unlock()
}

// AddStatusExtender registers e to fill in its part of every task status,
// until the returned function is called (as Watch's cancel): a layer that
// closes (aioschedule's Scheduler.Close) calls it, so that the group neither
// keeps the closed layer alive nor asks it about tasks. A snapshot already
// under way may still call e once; later ones do not. Removing is
// idempotent, and an extender added twice is removed once per call.
func (g *Group) AddStatusExtender(e StatusExtender) (remove func()) {
	r := &extender{e}
	g.mu.Lock()
	g.extenders = append(g.extenders, r)
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		// A new slice, never an edit in place: Snapshot reads the old one
		// without the lock.
		var next []*extender
		for _, x := range g.extenders {
			if x != r {
				next = append(next, x)
			}
		}
		g.extenders = next
	}
}

// extender is one registration of a StatusExtender; its address tells two
// registrations of the same extender apart.
type extender struct{ StatusExtender }

// Debug reports whether debug mode (more detail in status) is on.
func (g *Group) Debug() bool { return g.debug.Load() }

// SetDebug turns debug mode on or off.
func (g *Group) SetDebug(on bool) { g.debug.Store(on) }

// ToggleDebug flips debug mode and returns the new mode, as the seed's
// debug(). It is one atomic step, so two clients toggling at once leave
// the mode where it started rather than both setting the same value.
func (g *Group) ToggleDebug() bool {
	for {
		old := g.debug.Load()
		if g.debug.CompareAndSwap(old, !old) {
			return !old
		}
	}
}

func (g *Group) random() float64 { return g.rand() }

// add adds a task configured by c that runs r; t, when not nil, is the
// zero Task to use (allocated with its runner, as Add does).
func (g *Group) add(t *Task, c taskConfig, r runner) *Task {
	if t == nil {
		t = new(Task)
	}
	t.g, t.r, t.addedAs, t.stopTimeout, t.stats = g, r, c.name, c.stopTimeout, c.stats
	g.addReadiness(t, c) // ready.go
	if c.restart.Mode != Never {
		t.rs = &restartState{policy: c.restart.withDefaults(), kick: make(chan struct{}, 1)}
	}
	g.mu.Lock()
	t.name = g.uniqueNameLocked(c.name)
	g.tasks[t.name] = t
	g.seq++
	t.seq = g.seq
	g.linkLocked(t)
	g.mu.Unlock()
	return t
}

// addStarted adds the task and starts it, unless the config defers it.
func (g *Group) addStarted(t *Task, c taskConfig, r runner) *Task {
	t = g.add(t, c, r)
	if !c.deferred {
		t.start(CauseUser)
	}
	return t
}

// linkLocked puts t at the end of the group's order.
func (g *Group) linkLocked(t *Task) {
	t.prev, t.next = g.tail, nil
	if g.tail != nil {
		g.tail.next = t
	} else {
		g.head = t
	}
	g.tail = t
}

// unlinkLocked takes t out of the group's order, in O(1).
func (g *Group) unlinkLocked(t *Task) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		g.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		g.tail = t.prev
	}
	t.prev, t.next = nil, nil
}

// allLocked returns every task in the group's order.
func (g *Group) allLocked() []*Task {
	all := make([]*Task, 0, len(g.tasks))
	for t := g.head; t != nil; t = t.next {
		all = append(all, t)
	}
	return all
}

// uniqueNameLocked returns name, or name_N with the lowest N not taken
// since the last time. Candidates are built in a stack buffer (a map
// lookup by string(bytes) does not allocate), so only the name kept costs
// an allocation.
func (g *Group) uniqueNameLocked(name string) string {
	if _, taken := g.tasks[name]; !taken {
		return name
	}
	n := g.suffix[name]
	var buf [64]byte
	b := append(append(buf[:0], name...), '_')
	for {
		n++
		cand := strconv.AppendInt(b, int64(n), 10)
		if _, taken := g.tasks[string(cand)]; !taken {
			g.suffix[name] = n
			return string(cand)
		}
	}
}

// Get returns the task with exactly this name.
func (g *Group) Get(name string) (*Task, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	t, ok := g.tasks[name]
	return t, ok
}

// Names returns the names of all tasks, whatever their state, in the
// order they were added; Active returns only the running ones.
func (g *Group) Names() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	names := make([]string, 0, len(g.tasks))
	for t := g.head; t != nil; t = t.next {
		names = append(names, t.name)
	}
	return names
}

// Active returns the tasks whose goroutine is running (running, waiting
// to restart or stopping: State.Active), in the order they were added,
// like the seed's tasks(); Names lists every task.
func (g *Group) Active() []*Task {
	g.mu.RLock()
	all := g.allLocked()
	g.mu.RUnlock()
	var active []*Task
	for _, t := range all {
		if t.State().Active() {
			active = append(active, t)
		}
	}
	return active
}

// Find returns the tasks that match any of the names or '*' patterns, in
// the group's order, each once; no pattern at all means every task. The
// error joins a *NotFoundError for each name or pattern that matched nothing.
func (g *Group) Find(patterns ...string) ([]*Task, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if len(patterns) == 0 {
		return g.allLocked(), nil
	}
	var errs []error
	var found []*Task
	seen := make(map[*Task]bool)
	hit := make([]bool, len(patterns))
	scan := false // a pattern: walk the whole group
	for i, p := range patterns {
		if !IsPattern(p) {
			if t, ok := g.tasks[p]; ok {
				hit[i] = true
				if !seen[t] {
					seen[t] = true
					found = append(found, t)
				}
			}
			continue
		}
		scan = true
		for t := g.head; t != nil; t = t.next {
			if Match(p, t.name) {
				hit[i] = true
				seen[t] = true
			}
		}
	}
	if scan {
		found = found[:0]
		for t := g.head; t != nil; t = t.next {
			if seen[t] {
				found = append(found, t)
			}
		}
	} else {
		// Names only: no walk of the group (Delete of one task is O(1));
		// the group's order is the order of adding.
		slices.SortFunc(found, func(a, b *Task) int { return cmp.Compare(a.seq, b.seq) })
	}
	for i, p := range patterns {
		if !hit[i] {
			errs = append(errs, &NotFoundError{Pattern: p})
		}
	}
	return found, errors.Join(errs...)
}

func names(ts []*Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.name
	}
	return out
}

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
	if t.stopTimeout > 0 {
		return t.stopTimeout
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
