package aioctl

// State is where a task is in its life.
type State uint8

// The states a task can be in. The zero value is Scheduled: a task that was
// added but has not run yet.
const (
	// Scheduled: added, waiting for its first run (a schedule or a start).
	Scheduled State = iota
	// Running: the task's goroutine is running its function.
	Running
	// Done: the function returned without an error.
	Done
	// Stopped: the task was cancelled by a stop (its result is on-stop's value).
	Stopped
	// Error: the function returned an error or panicked (a service task says "failed").
	Error
	// Restarting: the task ended and its restart policy will start it again
	// after a backoff delay.
	Restarting
	// GaveUp: the restart policy's budget is spent; only a start by hand runs it again.
	GaveUp
	// Stopping: a stop was asked for and the goroutine has not returned yet.
	Stopping
)

var stateNames = [...]string{"scheduled", "running", "done", "stopped", "error", "restarting", "gave-up", "stopping"}

// String returns the state's lower-case name, as the JSON API spells it.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// MarshalText encodes the state as its name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a state name.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return &ArgError{Field: "state", Msg: "unknown state " + quote(string(b))}
}

// Active reports whether the task's goroutine exists: running, waiting to
// restart, or stopping.
func (s State) Active() bool { return s == Running || s == Restarting || s == Stopping }
