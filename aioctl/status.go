package aioctl

import (
	"encoding/json"
	"slices"
	"time"
)

// TaskStatus is a snapshot of one task, ready for JSON. The text renderer,
// the control API, the dashboard and MQTT all read it.
type TaskStatus struct {
	Name  string `json:"name"`
	Group string `json:"group"`
	State State  `json:"state"`
	// Starting: the task declares readiness (WithReadiness), runs, and has
	// not called Ready yet; status prints "starting since" for "running since".
	Starting bool `json:"starting,omitempty"`
	// Since is when the current or last run started.
	Since time.Time `json:"since"`
	// Ended is when the last run ended (zero while the first run goes on).
	Ended time.Time `json:"ended"`
	// Runtime is how long the last run lasted (or the current one, so far).
	Runtime time.Duration `json:"runtime_ns"`
	// Result is the task's result value; ResultText is how status prints it.
	Result     any    `json:"-"`
	ResultText string `json:"result"`
	Error      string `json:"error,omitempty"`
	ErrorType  string `json:"error_type,omitempty"`
	// Traceback is the error and, after a panic, its stack.
	Traceback string `json:"traceback,omitempty"`
	// Unresponsive: a stop timed out and the task has not returned.
	Unresponsive bool        `json:"unresponsive,omitempty"`
	Restart      RestartMode `json:"restart"`
	Restarts     int         `json:"restarts,omitempty"`
	// NextRestart is when a restarting task runs again.
	NextRestart time.Time `json:"next_restart"`
	// Func is the task's function, for debug status.
	Func string `json:"func,omitempty"`
	// Args holds the task's arguments as JSON (debug snapshots only), with
	// time.Duration values as duration strings ("5s"), which SetArgsJSON
	// takes back.
	// A running task shows the arguments its run got; the ones a later
	// start gets, when SetArgsJSON changed them since, are PendingArgs.
	Args json.RawMessage `json:"args,omitempty"`
	// PendingArgs are arguments set while the task runs, used from its
	// next start or restart (debug snapshots of active tasks only).
	PendingArgs json.RawMessage `json:"pending_args,omitempty"`
	Schedule    *ScheduleInfo   `json:"schedule,omitempty"`
	Service     *ServiceInfo    `json:"service,omitempty"`
	// Log holds the task's last log lines, when the group has a log.
	Log []string `json:"log,omitempty"`
	// Children are the task's child tasks, in the order they were added,
	// with their states: aioservice lists a service's NAME.service.CHILD
	// tasks here (asyncmd's CTasks), and status prints them under it.
	Children []ChildStatus `json:"children,omitempty"`
	// Stats is what the task's stats source (WithStats, or arguments
	// that implement Statser) reported, as JSON; StatsError says why it
	// could not (it panicked, or its value is not JSON).
	Stats      json.RawMessage `json:"stats,omitempty"`
	StatsError string          `json:"stats_error,omitempty"`
}

// ChildStatus is a child task as its parent's status lists it: enough for
// its state line ("running since …", "done @ … --> result: …").
type ChildStatus struct {
	Name  string `json:"name"`
	State State  `json:"state"`
	// Since is when its current or last run started (zero: never ran).
	Since time.Time `json:"since"`
	// Ended is when its last run ended (zero while the first run goes on).
	Ended      time.Time `json:"ended"`
	ResultText string    `json:"result"`
	Error      string    `json:"error,omitempty"`
	// Unresponsive: a stop timed out and the child has not returned.
	Unresponsive bool `json:"unresponsive,omitempty"`
}

// Child returns the task's status as its parent lists it among its children.
func (t *Task) Child() ChildStatus {
	var st TaskStatus
	t.snapshot(&st, time.Time{}, false)
	return ChildStatus{Name: st.Name, State: st.State, Since: st.Since, Ended: st.Ended,
		ResultText: st.ResultText, Error: st.Error, Unresponsive: st.Unresponsive}
}

// ScheduleInfo is a task's schedule as a scheduler shows it: the schedule
// part of a task's status, and (with the task and its spec) an entry of
// aioschedule's List, so that status, the schedule list and the dashboard
// read one shape. It is defined here, below aioschedule, because status
// holds it.
type ScheduleInfo struct {
	// Last is the last start by the schedule (zero: none yet).
	Last time.Time `json:"last"`
	// Next is the next planned start, jitter included (zero: none).
	Next time.Time `json:"next"`
	// Opts describes the schedule as text ("start_in=5s repeat=10s"), for
	// debug status.
	Opts string `json:"opts,omitempty"`
	// Skipped counts runs that were due while the task was still running.
	Skipped int `json:"skipped"`
	// Missed counts runs lost to a clock jump or a sleeping machine.
	Missed int `json:"missed,omitempty"`
	// Paused: a user stopped the task, which unscheduled it; the schedule
	// resumes, with its timing, when the task is started again. Debug
	// status prints it as "(unscheduled by stop)" after Opts.
	Paused bool `json:"paused,omitempty"`
	// Done: the schedule has no run left (a one-shot, start_in or at with
	// no repeat, that ran; Last says when). It stays listed so that its run
	// is seen; status prints "--> done (one-shot: runs no more)" instead of
	// a next run.
	Done bool `json:"done,omitempty"`
}

// ServiceInfo is what a service layer shows in its task's debug status,
// as a systemd-like header.
type ServiceInfo struct {
	// Description is the info line after the name.
	Description string `json:"description,omitempty"`
	// Loaded says where the service is defined.
	Loaded string `json:"loaded,omitempty"`
	// Type is core.service, runtime.service or schedule.service.
	Type string `json:"type,omitempty"`
	Docs string `json:"docs,omitempty"`
	// StatsTitle and Stats come from the service's Show().
	StatsTitle string `json:"stats_title,omitempty"`
	Stats      string `json:"stats,omitempty"`
}

// SnapshotOptions chooses what a snapshot holds.
type SnapshotOptions struct {
	// Debug adds the arguments and the function (and asks extenders for more).
	Debug bool
	// LogLines is how many log lines per task to include when the group has
	// a log: 0 means 10, a negative number means all.
	LogLines int
}

// Status returns a snapshot of the matching tasks (all when no pattern is
// given), in the group's order, in the group's debug mode.
func (g *Group) Status(patterns ...string) ([]TaskStatus, error) {
	return g.Snapshot(SnapshotOptions{Debug: g.Debug()}, patterns...)
}

// Snapshot returns a snapshot of the matching tasks with the given options.
func (g *Group) Snapshot(opt SnapshotOptions, patterns ...string) ([]TaskStatus, error) {
	return g.AppendSnapshot(nil, opt, patterns...)
}

// AppendSnapshot is Snapshot appending to dst: a server that renders a
// status per request reuses one slice rather than allocating a hundred
// statuses each time.
func (g *Group) AppendSnapshot(dst []TaskStatus, opt SnapshotOptions, patterns ...string) ([]TaskStatus, error) {
	ts, err := g.Find(patterns...)
	g.mu.RLock()
	log, ext := g.log, g.extenders
	g.mu.RUnlock()
	now := g.clock.Now()
	if dst == nil { // never nil: no task is "[]" in JSON, not null
		dst = make([]TaskStatus, 0, len(ts))
	}
	start := len(dst)
	dst = slices.Grow(dst, len(ts))[:start+len(ts)]
	out := dst[start:]
	clear(out)
	n := opt.LogLines
	if n == 0 {
		n = 10
	}
	for i, t := range ts {
		t.snapshot(&out[i], now, opt.Debug)
		if log != nil {
			lines := log.TaskLog(t.name, n)
			if lines == nil {
				lines = []string{} // a log is attached: the separator still prints
			}
			out[i].Log = lines
		}
		for _, e := range ext {
			e.ExtendStatus(&out[i], opt.Debug)
		}
	}
	fillStats(ts, out, nil, g.clock, g.statsWait)
	return dst, err
}

func (t *Task) snapshot(st *TaskStatus, now time.Time, debug bool) {
	t.mu.Lock()
	st.Name, st.Group, st.State = t.name, t.g.name, t.state
	st.Since, st.Ended = t.since, t.ended
	st.Unresponsive = t.unresponsive
	st.Starting = t.readiness().startingLocked(t.state)
	if rs := t.rs(); rs != nil {
		st.Restart, st.Restarts = rs.policy.Mode, rs.restarts
		if t.state == Restarting {
			st.NextRestart = rs.next
		}
	}
	res, set, err := t.result, t.resultSet, t.err
	ran := t.run != nil // its runner has applied arguments (Task.start)
	t.mu.Unlock()

	switch {
	case st.State == Running || st.State == Stopping:
		st.Runtime = now.Sub(st.Since)
	case !st.Ended.IsZero():
		st.Runtime = st.Ended.Sub(st.Since)
	}
	if set {
		st.Result = res
		st.ResultText = sprint(res)
	}
	if err != nil {
		st.Error, st.ErrorType = err.Error(), ErrorType(err)
		st.Traceback = traceback(err)
		if !set {
			st.ResultText = describeError(err)
		}
	}
	if debug {
		st.Func = t.r.funcName()
		if b, pending, e := t.r.argsDisplay(ran); e == nil {
			st.Args = b
			if pending != nil {
				if st.State.Active() {
					st.PendingArgs = pending
				} else { // what its next start gets
					st.Args = pending
				}
			}
		}
	}
}
