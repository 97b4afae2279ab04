package aioctl

import "time"

// Cause says why a task changed state.
type Cause uint8

const (
	// CauseUser: a start, stop or delete asked for by a user or program.
	CauseUser Cause = iota
	// CauseExit: the task's function returned (or panicked) on its own.
	CauseExit
	// CauseRestart: the restart policy started the task again.
	CauseRestart
	// CauseTrigger: a scheduler started the task (Task.Trigger).
	CauseTrigger
	// CauseDelete: the task was removed from its group.
	CauseDelete
)

var causeNames = [...]string{"user", "exit", "restart", "trigger", "delete"}

// String returns the cause's name.
func (c Cause) String() string {
	if int(c) < len(causeNames) {
		return causeNames[c]
	}
	return "unknown"
}

// MarshalText encodes the cause as its name.
func (c Cause) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Event is one change of a task's state. A stop or delete of a task that
// is not running changes nothing, but is still reported, with To == From
// and Cause CauseUser or CauseDelete.
type Event struct {
	Task  *Task     `json:"-"`
	Name  string    `json:"task"`
	From  State     `json:"from"`
	To    State     `json:"to"`
	Cause Cause     `json:"cause"`
	Time  time.Time `json:"time"`
}

type watcher struct {
	fn func(Event)
}

// Watch calls fn, synchronously and in order, for every state change of
// every task in the group, until the returned function is called. fn runs
// on the goroutine that changed the state, with no lock held: it must be
// quick and must not block.
func (g *Group) Watch(fn func(Event)) (cancel func()) {
	w := &watcher{fn: fn}
	g.wmu.Lock()
	var next []*watcher
	if cur := g.watchers.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, w)
	g.watchers.Store(&next)
	g.wmu.Unlock()
	return func() {
		g.wmu.Lock()
		defer g.wmu.Unlock()
		cur := g.watchers.Load()
		if cur == nil {
			return
		}
		var next []*watcher
		for _, x := range *cur {
			if x != w {
				next = append(next, x)
			}
		}
		g.watchers.Store(&next)
	}
}

func (g *Group) emit(t *Task, from, to State, cause Cause, at time.Time) {
	ws := g.watchers.Load()
	if ws == nil || len(*ws) == 0 {
		return
	}
	e := Event{Task: t, Name: t.name, From: from, To: to, Cause: cause, Time: at}
	for _, w := range *ws {
		w.call(e)
	}
}

// call runs a watcher; a watcher that panics is logged and the task that
// changed state goes on.
func (w *watcher) call(e Event) {
	defer func() {
		if p := recover(); p != nil && e.Task != nil {
			e.Task.logFailure(newPanicError("watcher: " + sprint(p)))
		}
	}()
	w.fn(e)
}
