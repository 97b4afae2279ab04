package api

import (
	"encoding/json"
	"time"
)

// TaskStatus is a task's status as the status verb sends it as JSON
// (Options.JSON): the wire form of aioctl.TaskStatus, decodable without
// linking the task package. State and Restart are names ("running",
// "on-failure"); Runtime is in nanoseconds on the wire; times not set
// (a task that never ended) are left out.
type TaskStatus struct {
	Name  string `json:"name"`
	Group string `json:"group"`
	// State is the state's name: scheduled, running, done, stopped, error,
	// restarting, gave-up or stopping.
	State string `json:"state"`
	// Starting: the task declares readiness and has not said it is ready:
	// status prints "starting since" for "running since".
	Starting bool `json:"starting,omitempty"`
	// Since is when the current or last run started.
	Since time.Time `json:"since,omitzero"`
	// Ended is when the last run ended (zero while the first run goes on).
	Ended time.Time `json:"ended,omitzero"`
	// Runtime is how long the last run lasted (or the current one, so far).
	Runtime time.Duration `json:"runtime_ns"`
	// ResultText is the task's result as status prints it.
	ResultText string `json:"result"`
	Error      string `json:"error,omitempty"`
	ErrorType  string `json:"error_type,omitempty"`
	// Traceback is the error and, after a panic, its stack.
	Traceback string `json:"traceback,omitempty"`
	// Unresponsive: a stop timed out and the task has not returned.
	Unresponsive bool `json:"unresponsive,omitempty"`
	// Restart is the restart mode's name: never, on-failure or always.
	Restart  string `json:"restart"`
	Restarts int    `json:"restarts,omitempty"`
	// NextRestart is when a restarting task runs again.
	NextRestart time.Time `json:"next_restart,omitzero"`
	// Func is the task's function, for debug status.
	Func string `json:"func,omitempty"`
	// Args holds the task's arguments as JSON (debug status only).
	Args json.RawMessage `json:"args,omitempty"`
	// PendingArgs are arguments set while the task runs, used from its
	// next start (debug status of active tasks only).
	PendingArgs json.RawMessage `json:"pending_args,omitempty"`
	Schedule    *ScheduleInfo   `json:"schedule,omitempty"`
	Service     *ServiceInfo    `json:"service,omitempty"`
	// Log holds the task's last log lines, when the program has a log.
	Log []string `json:"log,omitempty"`
	// Children are the task's child tasks (a service's NAME.service.CHILD
	// tasks), in the order they were added, with their states.
	Children []ChildStatus `json:"children,omitempty"`
	// Stats is what the task reports about itself (its Stats()), as JSON;
	// StatsError says why it could not (a panic, a value not JSON).
	Stats      json.RawMessage `json:"stats,omitempty"`
	StatsError string          `json:"stats_error,omitempty"`
}

// ChildStatus is a child task as its parent's status lists it.
type ChildStatus struct {
	Name string `json:"name"`
	// State is the state's name, as TaskStatus.State.
	State string `json:"state"`
	// Since is when its current or last run started (left out: never ran).
	Since time.Time `json:"since,omitzero"`
	// Ended is when its last run ended (left out while the first run goes on).
	Ended time.Time `json:"ended,omitzero"`
	// ResultText is its result as status prints it.
	ResultText string `json:"result"`
	Error      string `json:"error,omitempty"`
	// Unresponsive: a stop timed out and the child has not returned.
	Unresponsive bool `json:"unresponsive,omitempty"`
}

// ScheduleInfo is what a scheduler shows in a task's status.
type ScheduleInfo struct {
	// Last is the last start by the schedule (zero: none yet).
	Last time.Time `json:"last,omitzero"`
	// Next is the next planned start (zero: none).
	Next time.Time `json:"next,omitzero"`
	// Opts describes the schedule, for debug status.
	Opts string `json:"opts,omitempty"`
	// Skipped counts runs that were due while the task was still running.
	Skipped int `json:"skipped"`
	// Missed counts runs lost to a clock jump or sleep.
	Missed int `json:"missed,omitempty"`
	// Paused is set while the schedule is off because a user stopped the
	// task (a start puts it back on, keeping its timing).
	Paused bool `json:"paused,omitempty"`
	// Done: no run is left (a one-shot that ran; Last says when).
	Done bool `json:"done,omitempty"`
}

// ServiceInfo is what a service shows in its task's debug status.
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
