package aioctl

import "encoding/json"

// Statser is implemented by a task's arguments (a pointer to the task's
// state, typically) that can report figures about the task: counters,
// gauges, the last value read. Status and the stats verb show them.
type Statser interface {
	Stats() map[string]any
}

// WithStats gives a task a stats function: its value, encoded as JSON,
// becomes the Stats of the task's status (a map, or any typed value, a
// struct for one). It takes precedence over arguments that implement
// Statser. f is called on every snapshot, with no lock held, on the
// caller's goroutine: it must be quick, must not block, and must be safe
// to call while the task runs. Clones and tasks of a kind share f.
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

// statsSource is the task's stats function, or nil when it has none.
func (t *Task) statsSource() func() any {
	if t.stats != nil {
		return t.stats
	}
	if h, ok := t.r.(interface{ argsAny() any }); ok {
		if s, ok := h.argsAny().(Statser); ok && s != nil {
			return func() any { return s.Stats() }
		}
	}
	return nil
}

// HasStats reports whether the task has a stats source (WithStats, or
// arguments that implement Statser).
func (t *Task) HasStats() bool { return t.statsSource() != nil }

// Stats calls the task's stats source and returns its value as JSON; nil
// when the task has none. A stats function that panics, or whose value
// cannot be encoded, gives an error (a *PanicError for a panic) and
// nothing else: the caller, and the other tasks' stats, go on.
func (t *Task) Stats() (json.RawMessage, error) {
	f := t.statsSource()
	if f == nil {
		return nil, nil
	}
	return callStats(f)
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

// fillStats puts the task's stats into its snapshot.
func (t *Task) fillStats(st *TaskStatus) {
	b, err := t.Stats()
	st.Stats = b
	if err != nil {
		st.StatsError = "stats: " + err.Error()
	}
}
