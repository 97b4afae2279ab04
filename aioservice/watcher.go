package aioservice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// WatcherArgs are the watcher service's arguments.
type WatcherArgs struct {
	// Every is how often it checks (default 30s).
	Every Duration `json:"every"`
	// MaxErrors is how many errors, counted over all tasks, make it run its
	// action (0: never).
	MaxErrors int `json:"max_errors"`
	// Restart restarts the tasks found in error (default true).
	Restart bool `json:"restart"`
	// Exclude lists task names or '*' patterns it does not restart.
	Exclude []string `json:"exclude,omitempty"`
	// RestartScheduled also restarts tasks that are on a schedule (a
	// schedule.service, or any task of an aioschedule.Scheduler) when they
	// end in error. By default (false) those are left to their schedule:
	// they run again when next due. Their errors are counted either way.
	RestartScheduled bool `json:"restart_scheduled,omitempty"`
}

// Watcher is the watcher service: every Every it finds the tasks of its
// group that are in error, restarts them (unless they opted out, are
// excluded, or are on a schedule), and counts errors per task and error
// type. A task on a schedule (a schedule.service, or a task scheduled by
// an aioschedule.Scheduler on the group) is left to its schedule: it runs
// again when it is next due, not at the watcher's next check; its errors
// are still counted (set WatcherArgs.RestartScheduled to restart it too).
// A task with a restart policy of its own is left to it: one whose policy
// gave up (its budget is spent) stays so until a user starts it, and the
// report lists it. After MaxErrors errors it runs
// its action, by default: log the report and exit the process with status
// 1, so that a supervisor (systemd, a container runtime) restarts it.
type Watcher struct {
	action func(ctx context.Context, w *Watcher)

	mu     sync.Mutex
	counts map[string]map[string]*errCount // task → error type → count
	total  int
	seen   map[string]time.Time // task → end of the last failure counted
	given  map[string]int       // task that gave up → its restarts; left alone
	fired  bool
	checks int
}

type errCount struct {
	n         int
	last      time.Time
	traceback string
}

// WatcherOption configures a Watcher.
type WatcherOption func(*Watcher)

// WithAction replaces what the watcher does when MaxErrors is reached
// (default: log the report at level ERROR and os.Exit(1)). Tests pass one
// that records the call.
func WithAction(f func(ctx context.Context, w *Watcher)) WatcherOption {
	return func(w *Watcher) { w.action = f }
}

// NewWatcher returns a watcher.
func NewWatcher(opts ...WatcherOption) *Watcher {
	w := &Watcher{counts: map[string]map[string]*errCount{}, seen: map[string]time.Time{}, given: map[string]int{}}
	w.action = func(ctx context.Context, w *Watcher) {
		var b strings.Builder
		w.Report(&b)
		aioctl.Logger(ctx).Error("max_errors reached: exiting", "errors", w.Total(), "report", b.String())
		os.Exit(1)
	}
	for _, o := range opts {
		o(w)
	}
	return w
}

// Service returns the watcher as a runtime service named "watcher" with the
// given default arguments (zero Every: 30s).
func (w *Watcher) Service(defaults WatcherArgs, opts ...Option) *Service {
	if defaults.Every <= 0 {
		defaults.Every = Duration(30 * time.Second)
	}
	base := []Option{WithInfo("Watcher: restarts failed tasks and counts their errors"),
		WithShow(w.show), WithoutWatcherRestart()}
	if _, file, line, ok := runtime.Caller(1); ok {
		base = append(base, WithSource(shortFile(file)+":"+strconv.Itoa(line)))
	}
	s := Define("watcher", w.run, defaults, append(base, opts...)...)
	s.report = w.Report
	return s
}

// run is the watcher's task function: it checks every a.Every on the
// group's clock until ctx is cancelled, and returns the error count.
func (w *Watcher) run(ctx context.Context, a WatcherArgs) (int, error) {
	t := aioctl.FromContext(ctx)
	if t == nil {
		return 0, errors.New("watcher: not running as a task")
	}
	g := t.Group()
	every := time.Duration(a.Every)
	if every <= 0 {
		every = 30 * time.Second
	}
	self := t.Name()
	cancel := g.Watch(func(e aioctl.Event) {
		if e.Name == self || e.Task == nil || e.Cause != aioctl.CauseExit {
			return
		}
		switch e.To {
		case aioctl.Error, aioctl.Restarting, aioctl.GaveUp:
			if err := e.Task.Err(); err != nil {
				w.count(e.Name, err, e.Time)
			}
		}
	})
	defer cancel()
	w.sweep(ctx, g, self, a, false)
	clk := g.Clock()
	for {
		tm := clk.NewTimer(every)
		select {
		case <-ctx.Done():
			tm.Stop()
			return w.Total(), ctx.Err()
		case <-tm.C():
		}
		w.sweep(ctx, g, self, a, true)
	}
}

// count records one failure of a task that ended at end (once per failure).
func (w *Watcher) count(task string, err error, end time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[task].Equal(end) {
		return
	}
	w.seen[task] = end
	typ := aioctl.ErrorType(err)
	byType := w.counts[task]
	if byType == nil {
		byType = map[string]*errCount{}
		w.counts[task] = byType
	}
	c := byType[typ]
	if c == nil {
		c = &errCount{}
		byType[typ] = c
	}
	c.n++
	c.last = end
	c.traceback = traceback(err)
	w.total++
}

func traceback(err error) string {
	s := aioctl.ErrorType(err) + ": " + err.Error()
	var pe *aioctl.PanicError
	if errors.As(err, &pe) {
		s = pe.Error()
		if pe.Stack != "" {
			s += "\n" + pe.Stack
		}
	}
	return s
}

// sweep counts the tasks found in error that no event counted (those that
// failed before the watcher started) and, with restart, starts them again.
func (w *Watcher) sweep(ctx context.Context, g *aioctl.Group, self string, a WatcherArgs, restart bool) {
	m, _, _ := FromContext(ctx)
	ts, _ := g.Find()
	var restarted []string
	for _, t := range ts {
		if t.Name() == self {
			continue
		}
		st := t.State()
		if st != aioctl.Error && st != aioctl.GaveUp {
			continue
		}
		sts, _ := g.Snapshot(aioctl.SnapshotOptions{LogLines: 0}, t.Name())
		if err := t.Err(); err != nil && len(sts) == 1 {
			w.count(t.Name(), err, sts[0].Ended)
		}
		if st == aioctl.GaveUp {
			// Its own restart policy gave up: it stays so until a user
			// starts it (restarting it here would defeat the budget).
			if len(sts) == 1 {
				w.gaveUp(ctx, t.Name(), sts[0].Restarts)
			}
			continue
		}
		if len(sts) == 1 && sts[0].Restart != aioctl.Never {
			continue // its own restart policy decides
		}
		if !restart || !a.Restart || excluded(t.Name(), a.Exclude) || (m != nil && m.noWatch(t.Name())) {
			continue
		}
		onSchedule := (len(sts) == 1 && sts[0].Schedule != nil) || (m != nil && m.scheduled(t.Name()))
		if onSchedule && !a.RestartScheduled {
			continue // its schedule runs it again when due
		}
		if ok, _ := t.Start(); ok {
			restarted = append(restarted, t.Name())
		}
	}
	w.mu.Lock()
	for name := range w.given { // started by a user since, or deleted
		if t, ok := g.Get(name); !ok || t.State() != aioctl.GaveUp {
			delete(w.given, name)
		}
	}
	w.checks++
	total, fire := w.total, a.MaxErrors > 0 && w.total >= a.MaxErrors && !w.fired
	if fire {
		w.fired = true
	}
	w.mu.Unlock()
	log := aioctl.Logger(ctx)
	if len(restarted) > 0 {
		log.Warn("restarted tasks in error", "tasks", strings.Join(restarted, ","), "errors", total)
	}
	if fire {
		log.LogAttrs(ctx, slog.LevelError, fmt.Sprintf("max_errors reached: %d errors (max_errors %d)", total, a.MaxErrors))
		w.action(ctx, w)
	}
}

// gaveUp records a task whose restart policy gave up, and logs it the
// first time a check finds it so.
func (w *Watcher) gaveUp(ctx context.Context, task string, restarts int) {
	w.mu.Lock()
	_, known := w.given[task]
	w.given[task] = restarts
	w.mu.Unlock()
	if !known {
		aioctl.Logger(ctx).Warn("task gave up: its restart budget is spent; not restarted until started by hand",
			"task", task, "restarts", restarts)
	}
}

func excluded(name string, patterns []string) bool {
	for _, p := range patterns {
		if aioctl.Match(p, name) {
			return true
		}
	}
	return false
}

// Total returns the number of errors counted.
func (w *Watcher) Total() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total
}

// checksDone returns how many checks the watcher has made.
func (w *Watcher) checksDone() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.checks
}

// countsByType returns the error counts: task → error type → count.
func (w *Watcher) countsByType() map[string]map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]map[string]int, len(w.counts))
	for t, byType := range w.counts {
		out[t] = make(map[string]int, len(byType))
		for typ, c := range byType {
			out[t][typ] = c.n
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// show returns the stats line of the watcher service's debug status
// (WithShow): ("Errors", "3 total; hello.service: Error x2; crash: panic x1").
func (w *Watcher) show() (title, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	parts := []string{fmt.Sprintf("%d total", w.total)}
	for _, t := range sortedKeys(w.counts) {
		var ts []string
		for _, typ := range sortedKeys(w.counts[t]) {
			ts = append(ts, fmt.Sprintf("%s x%d", typ, w.counts[t][typ].n))
		}
		parts = append(parts, t+": "+strings.Join(ts, ", "))
	}
	return "Errors", strings.Join(parts, "; ")
}

// Report writes the error counts with the last traceback of each task and
// error type (the seed's watcher called as a function).
func (w *Watcher) Report(out io.Writer) error {
	w.mu.Lock()
	var b strings.Builder
	fmt.Fprintf(&b, "watcher: %d errors in %d tasks\n", w.total, len(w.counts))
	for _, t := range sortedKeys(w.counts) {
		for _, typ := range sortedKeys(w.counts[t]) {
			c := w.counts[t][typ]
			fmt.Fprintf(&b, "%s: %s x%d, last @ %s\n", termsafe.String(t), termsafe.String(typ), c.n, c.last.Local().Format(aioctl.DateLayout))
			b.WriteString("    " + strings.ReplaceAll(termsafe.Text(strings.TrimRight(c.traceback, "\n")), "\n", "\n    ") + "\n")
		}
	}
	for _, t := range sortedKeys(w.given) {
		fmt.Fprintf(&b, "%s: gave up after %d restarts (its restart budget is spent): not restarted; start it to run it again\n", termsafe.String(t), w.given[t])
	}
	w.mu.Unlock()
	_, err := io.WriteString(out, b.String())
	return err
}
