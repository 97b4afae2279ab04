package aioctl

import (
	"context"
	"log/slog"
	"math/rand/v2"
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
	statsWait   time.Duration // WithStatsTimeout (stats.go)
	logger      atomic.Pointer[slog.Logger]
	rand        func() float64
	debug       atomic.Bool

	mu        sync.RWMutex
	tasks     map[string]*Task
	head      *Task           // the first task added that is still here; Task.next goes on
	tail      *Task           // the last one
	seq       uint64          // tasks ever added: Task.seq
	suffix    map[string]*int // the last suffix given to each name (uniqueNameLocked)
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
		statsWait:   DefaultStatsTimeout,
		rand:        rand.Float64,
		tasks:       make(map[string]*Task),
		suffix:      make(map[string]*int),
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
