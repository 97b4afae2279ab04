package aioctl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Func is a task's function. It runs in its own goroutine, must return when
// ctx is cancelled, and gets its arguments as a value of its own type A.
// What it returns becomes the task's result; a non-nil error puts the task in
// state Error.
type Func[A, R any] func(ctx context.Context, args A) (R, error)

// Option changes how Add creates a task.
type Option interface{ apply(taskConfig) taskConfig }

// optionFunc takes and returns the configuration by value: passing a
// pointer through the interface call would move it to the heap on every Add.
type optionFunc func(taskConfig) taskConfig

func (f optionFunc) apply(c taskConfig) taskConfig { return f(c) }

type taskConfig struct {
	name        string
	restart     *RestartPolicy // WithRestart; nil: none (a pointer keeps the config, copied by every option, small)
	stopTimeout time.Duration
	deferred    bool
	onStop      any
	onError     any
	stats       func() any // WithStats (stats.go)
	mayStat     bool       // the arguments' type may be a Statser (stats.go): the task keeps a taskExtra

	// WithReadiness (ready.go)
	readiness    bool
	readyTimeout time.Duration
}

// WithName names the task. Without it the task is named after its function.
// A name that is taken gets a suffix: name_1, name_2, …
func WithName(name string) Option {
	return optionFunc(func(c taskConfig) taskConfig { c.name = name; return c })
}

// WithRestart sets the task's restart policy.
func WithRestart(p RestartPolicy) Option {
	return optionFunc(func(c taskConfig) taskConfig { c.restart = &p; return c })
}

// WithStopTimeout sets how long a stop waits for the task's goroutine to
// return before it reports the task as not responding.
func WithStopTimeout(d time.Duration) Option {
	return optionFunc(func(c taskConfig) taskConfig { c.stopTimeout = d; return c })
}

// Deferred adds the task without starting it: it waits in state Scheduled
// until a Start (or a scheduler) runs it.
func Deferred() Option {
	return optionFunc(func(c taskConfig) taskConfig { c.deferred = true; return c })
}

// WithOnStop sets a callback run when the task is stopped; it gets the
// task's arguments and its return value becomes the task's result. Its types
// must match the task's Func: Add refuses a mismatch.
func WithOnStop[A, R any](f func(args A) R) Option {
	return optionFunc(func(c taskConfig) taskConfig { c.onStop = f; return c })
}

// WithOnError sets a callback run when the task fails (an error or a panic);
// it gets the task's arguments and the error, and its return value becomes
// the task's result. Its types must match the task's Func: Add refuses a mismatch.
func WithOnError[A, R any](f func(args A, err error) R) Option {
	return optionFunc(func(c taskConfig) taskConfig { c.onError = f; return c })
}

// Add creates a task in g running fn(ctx, args) and starts it at once
// (unless the Deferred option is given). It returns the new task; the error
// is non-nil only for a callback whose types do not match fn's, or a
// restart policy that RestartPolicy.Validate refuses.
func Add[A, R any](g *Group, fn Func[A, R], args A, opts ...Option) (*Task, error) {
	p := new(taskWithRunner[A, R])
	c, err := newRunner(&p.r, fn, args, opts)
	if err != nil {
		return nil, err
	}
	return g.addStarted(&p.t, c, &p.r), nil
}

// taskWithRunner is a task and its typed half in one allocation.
type taskWithRunner[A, R any] struct {
	t Task
	r typedRunner[A, R]
}

// newRunner applies the options and checks them against fn's types: the
// part of Add that Register does once for a kind.
// It fills in r, which is new.
func newRunner[A, R any](r *typedRunner[A, R], fn Func[A, R], args A, opts []Option) (taskConfig, error) {
	var c taskConfig
	for _, o := range opts {
		c = o.apply(c)
	}
	// Only a policy given is checked, off the hot path of a plain Add.
	if c.restart != nil {
		if err := c.restart.Validate(); err != nil {
			return c, err
		}
	}
	r.fn, r.args = fn, args
	var stopCB func(A) R
	var errCB func(A, error) R
	if c.onStop != nil {
		f, ok := c.onStop.(func(A) R)
		if !ok {
			return c, errors.New("aioctl: WithOnStop callback is " + typeName(c.onStop) + ", want func(" + typeName(*new(A)) + ") " + typeName(*new(R)))
		}
		stopCB = f
	}
	if c.onError != nil {
		f, ok := c.onError.(func(A, error) R)
		if !ok {
			return c, errors.New("aioctl: WithOnError callback is " + typeName(c.onError) + ", want func(" + typeName(*new(A)) + ", error) " + typeName(*new(R)))
		}
		errCB = f
	}
	if stopCB != nil || errCB != nil {
		r.cb = &runnerCallbacks[A, R]{stop: stopCB, err: errCB}
	}
	// An interface type's zero value is nil: its dynamic values may be
	// Statsers. Any other type is one or not, whatever its value.
	var zero A
	_, isStatser := any(zero).(Statser)
	c.mayStat = isStatser || any(zero) == nil
	if c.name == "" {
		c.name = funcName(fn)
	}
	return c, nil
}

// MustAdd is Add for callers whose callbacks are known to match; it panics on
// the error Add would return.
func MustAdd[A, R any](g *Group, fn Func[A, R], args A, opts ...Option) *Task {
	t, err := Add(g, fn, args, opts...)
	if err != nil {
		panic(err)
	}
	return t
}

// Args returns a copy of the task's current arguments, and false when the
// task's arguments are not of type A.
func Args[A any](t *Task) (A, bool) {
	if h, ok := t.r.(interface{ argsAny() any }); ok {
		a, ok := h.argsAny().(A)
		return a, ok
	}
	var zero A
	return zero, false
}

// runner is a task's typed half: its function, arguments and callbacks
// behind an interface, so that Task and Group need no type parameters.
type runner interface {
	apply()
	call(ctx context.Context) (any, error)
	stopped() (any, bool)
	failed(err error) (any, bool)
	argsDisplay(ran bool) (running, pending []byte, err error)
	mergeArgs(patch []byte) error
	clone(patch []byte) (runner, error)
	funcName() string
}

type typedRunner[A, R any] struct {
	mu      sync.Mutex
	fn      Func[A, R]
	args    A                      // what the next run gets
	applied A                      // what the current (or last) run got, once the task has started
	cb      *runnerCallbacks[A, R] // nil without WithOnStop and WithOnError (most tasks)
}

// runnerCallbacks are a task's WithOnStop and WithOnError callbacks, apart
// so that the tasks without them (most) keep one word for both.
type runnerCallbacks[A, R any] struct {
	stop func(A) R
	err  func(A, error) R
}

func (r *typedRunner[A, R]) current() A {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.args
}

// apply takes the arguments the next run gets as those of the run about
// to start: a start calls it before it reports Running, so that status
// never shows the previous run's arguments for the new run.
func (r *typedRunner[A, R]) apply() {
	r.mu.Lock()
	r.applied = r.args
	r.mu.Unlock()
}

func (r *typedRunner[A, R]) call(ctx context.Context) (any, error) {
	r.mu.Lock()
	a := r.applied
	r.mu.Unlock()
	res, err := r.fn(ctx, a)
	return res, err
}

func (r *typedRunner[A, R]) stopped() (any, bool) {
	if r.cb == nil || r.cb.stop == nil {
		return nil, false
	}
	return r.cb.stop(r.current()), true
}

func (r *typedRunner[A, R]) failed(err error) (any, bool) {
	if r.cb == nil || r.cb.err == nil {
		return nil, false
	}
	return r.cb.err(r.current(), err), true
}

func (r *typedRunner[A, R]) argsAny() any { return r.current() }

// argsDisplay is the arguments the current (or last) run got and, when
// they differ, the ones the next run gets, as JSON with durations as Go
// duration strings (MarshalArgs), for status. Before the first run (ran
// false: the task has no run yet), running is the stored arguments and
// pending is nil.
func (r *typedRunner[A, R]) argsDisplay(ran bool) (running, pending []byte, err error) {
	r.mu.Lock()
	next, applied := r.args, r.applied
	r.mu.Unlock()
	nb, err := MarshalArgs(next)
	if err != nil || !ran {
		return nb, nil, err
	}
	ab, err := MarshalArgs(applied)
	if err != nil {
		return nb, nil, nil
	}
	if string(ab) == string(nb) {
		return ab, nil, nil
	}
	return ab, nb, nil
}

// mergeArgs decodes patch over a deep copy of the current arguments, so a
// patch that names some fields keeps the others, and a bad patch changes
// nothing. A time.Duration field follows the Duration rule.
func (r *typedRunner[A, R]) mergeArgs(patch []byte) error {
	if len(bytes.TrimSpace(patch)) == 0 {
		return &ArgError{Msg: "no JSON given"}
	}
	next, err := r.merged(patch)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.args = next
	r.mu.Unlock()
	return nil
}

// merged is the current arguments with patch decoded over a deep copy of
// them (the current arguments themselves when patch is empty). Arguments
// that are a struct or a map take a JSON object; others (a number, a
// string, a list) take a JSON value of their type, which replaces them.
func (r *typedRunner[A, R]) merged(patch []byte) (A, error) {
	cur := r.current()
	if len(bytes.TrimSpace(patch)) == 0 {
		return cur, nil
	}
	var next A
	if k := argsKind(reflect.TypeOf(cur)); (k == reflect.Struct || k == reflect.Map) && bytes.TrimSpace(patch)[0] != '{' {
		return next, &ArgError{Msg: "the arguments are a JSON object: want one like " + exampleObject(cur) + ", got " + jsonKindOf(patch)}
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return next, &ArgError{Msg: "current arguments cannot be encoded as JSON: " + err.Error()}
	}
	if err := json.Unmarshal(b, &next); err != nil {
		return next, &ArgError{Msg: "current arguments cannot be decoded from JSON: " + err.Error()}
	}
	if err := UnmarshalArgs(patch, &next); err != nil {
		return next, err
	}
	return next, nil
}

// clone is a runner of the same function and callbacks whose arguments
// are these merged with patch.
func (r *typedRunner[A, R]) clone(patch []byte) (runner, error) {
	args, err := r.merged(patch)
	if err != nil {
		return nil, err
	}
	return &typedRunner[A, R]{fn: r.fn, args: args, cb: r.cb}, nil
}

// funcName is the function's full name, without the "-fm" Go gives a
// method value.
func (r *typedRunner[A, R]) funcName() string {
	return strings.TrimSuffix(fullFuncName(r.fn), "-fm")
}

func jsonArgError(err error) error {
	var ae *ArgError
	if errors.As(err, &ae) {
		return ae
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(value)"
		}
		return &ArgError{Field: field, Msg: "cannot use JSON " + te.Value + " as " + te.Type.String(), Err: err}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &ArgError{Msg: "invalid JSON at byte " + itoa(int(se.Offset)) + ": " + se.Error(), Err: err}
	}
	msg := err.Error()
	if i := strings.Index(msg, "unknown field "); i >= 0 {
		// encoding/json quotes the name (strconv.Quote): unquote it, so
		// that ArgError's own quoting is the only one.
		field := msg[i+len("unknown field "):]
		if u, uerr := strconv.Unquote(field); uerr == nil {
			field = u
		}
		return &ArgError{Field: field, Msg: "unknown field", Err: err}
	}
	var de *DurationError
	if errors.As(err, &de) { // from a Duration field that the walk did not reach
		return &ArgError{Msg: de.Msg, Err: err}
	}
	return &ArgError{Msg: strings.TrimPrefix(msg, "json: "), Err: err}
}

func fullFuncName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	f := runtime.FuncForPC(v.Pointer())
	if f == nil {
		return ""
	}
	return f.Name()
}

// funcName turns "example.com/pkg.blink" into "blink", and a closure's
// "main.main.func1" into "main.func1".
func funcName(fn any) string {
	n := fullFuncName(fn)
	if i := strings.LastIndexByte(n, '/'); i >= 0 {
		n = n[i+1:]
	}
	if i := strings.IndexByte(n, '.'); i >= 0 {
		n = n[i+1:]
	}
	n = strings.TrimSuffix(n, "-fm")
	if n == "" {
		return "task"
	}
	return n
}
