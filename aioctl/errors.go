package aioctl

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Errors a verb can return; test for them with errors.Is.
var (
	// ErrNotFound: no task has the name, or no task matches the pattern.
	ErrNotFound = errors.New("not found")
	// ErrStopTimeout: a task did not return within the stop timeout after
	// its context was cancelled: it ignores cancellation.
	ErrStopTimeout = errors.New("did not stop within the stop timeout")
	// ErrStillStopping: the task cannot start because its previous run has
	// not returned from a stop yet.
	ErrStillStopping = errors.New("still stopping")
	// ErrDeleted: the task was removed from its group and cannot start.
	ErrDeleted = errors.New("deleted")
	// ErrBadArgs: arguments given as JSON do not fit the task's argument type.
	ErrBadArgs = errors.New("bad arguments")
	// ErrStatsTimeout: a task's stats function did not return within the
	// group's stats timeout (a *StatsTimeoutError).
	ErrStatsTimeout = errors.New("stats function timed out")
)

// NotFoundError names a name or pattern that matched no task.
type NotFoundError struct{ Pattern string }

// Error names the pattern that matched nothing.
func (e *NotFoundError) Error() string { return "no task matches " + quote(e.Pattern) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// StatsTimeoutError says that a task's stats function did not return
// within the group's stats timeout (WithStatsTimeout), so a snapshot went
// on without its stats.
type StatsTimeoutError struct {
	// After is the group's stats timeout.
	After time.Duration
	// StillBlocked: a call that timed out earlier has not returned yet, so
	// this snapshot did not call the function again.
	StillBlocked bool
}

// Error says how long the snapshot waited, and whether the function is
// still blocked in an earlier call.
func (e *StatsTimeoutError) Error() string {
	if e.StillBlocked {
		return "did not return within " + e.After.String() + " (still blocked: not called again until it returns)"
	}
	return "did not return within " + e.After.String()
}

// Is makes errors.Is(err, ErrStatsTimeout) true.
func (e *StatsTimeoutError) Is(target error) bool { return target == ErrStatsTimeout }

// TaskError is an error about one task.
type TaskError struct {
	Task string
	Err  error
}

// Error names the task and says what went wrong.
func (e *TaskError) Error() string { return "task " + quote(e.Task) + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *TaskError) Unwrap() error { return e.Err }

// ArgError says which argument field was wrong and why.
type ArgError struct {
	// Field is the path of the field ("sleep", "in.every"), empty when the
	// problem is not in one field.
	Field string
	Msg   string
	// Err is the underlying error, if any: a *DurationError, or the
	// encoding/json error.
	Err error
}

// Error names the field, when known, and says what is wrong with it.
func (e *ArgError) Error() string {
	if e.Field == "" {
		return "bad arguments: " + e.Msg
	}
	return "bad arguments: field " + quote(e.Field) + ": " + e.Msg
}

// Is makes errors.Is(err, ErrBadArgs) true.
func (e *ArgError) Is(target error) bool { return target == ErrBadArgs }

// Unwrap returns the underlying error.
func (e *ArgError) Unwrap() error { return e.Err }

// PanicError is the error recorded for a task whose function panicked.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic (empty where the runtime
	// cannot tell, as under TinyGo).
	Stack string
}

// Error is "panic: " and the value passed to panic.
func (e *PanicError) Error() string { return "panic: " + sprint(e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// NewPanicError records a recovered panic: its value, and the stack of
// the goroutine trimmed to start at the panic site (without the frames of
// the recover and of the runtime's panic), as a task's traceback does.
// Call it in the deferred function that recovered v; packages that run
// user code outside a task (a service's constructor) use it.
func NewPanicError(v any) *PanicError { return newPanicError(v) }

func newPanicError(v any) *PanicError {
	buf := make([]byte, 8<<10)
	n := runtime.Stack(buf, false)
	return &PanicError{Value: v, Stack: trimPanicStack(string(buf[:n]))}
}

// ErrorType names the kind of an error where the seed's status line has
// its exception class ("ZeroDivisionError: division by zero"): "panic"
// for a panic, "Error" for any other. Go type names
// ("aioservice.ExitError", "*fs.PathError") are the program's insides,
// not words for its user; the message says what went wrong.
func ErrorType(err error) string {
	var pe *PanicError
	if errors.As(err, &pe) {
		return "panic"
	}
	return "Error"
}

// describeError is "Type: message", as the seed prints a failed task's result.
func describeError(err error) string {
	var pe *PanicError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return ErrorType(err) + ": " + err.Error()
}

func quote(s string) string { return strconv.Quote(s) }

// traceback is the error as status prints it, and the stack after a panic.
func traceback(err error) string {
	tb := describeError(err)
	var pe *PanicError
	if errors.As(err, &pe) && pe.Stack != "" {
		tb += "\n" + pe.Stack
	}
	return tb
}

// trimPanicStack drops the frames between the goroutine header and the
// panic site (our recover and the runtime's panic), so a traceback starts
// where the task panicked. A stack in another shape is kept whole.
func trimPanicStack(stack string) string {
	header, rest, ok := strings.Cut(stack, "\n")
	if !ok {
		return stack
	}
	i := strings.Index(rest, "\npanic(")
	if strings.HasPrefix(rest, "panic(") {
		i = -1
	} else if i < 0 {
		return stack
	}
	after := rest[i+1:] // "panic(...)\n\tfile:line\n<panic site>..."
	for k := 0; k < 2; k++ {
		_, after, ok = strings.Cut(after, "\n")
		if !ok {
			return stack
		}
	}
	return header + "\n" + after
}
