package aioservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// Type says how a service runs.
type Type string

// The service types of the seed.
const (
	// Core runs once at boot, in dependency order, and is awaited: a
	// service that requires it starts only after it returned without error.
	Core Type = "core.service"
	// Runtime runs continuously (the default).
	Runtime Type = "runtime.service"
	// Schedule runs on its schedule (see WithSchedule and the config key
	// "schedule").
	Schedule Type = "schedule.service"
)

// valid reports whether t is one of Core, Runtime and Schedule.
func (t Type) valid() bool { return t == Core || t == Runtime || t == Schedule }

// Suffix is what a service's name is shown with, and the name of its main
// task: "hello" runs as the task "hello.service".
const Suffix = ".service"

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]*$`)

// validName reports whether name can name a service: letters, digits, '_'
// and '-' (not first), without the ".service" suffix.
func validName(name string) bool { return nameRE.MatchString(name) }

// TaskName returns the name of a service's main task: name + ".service".
func TaskName(name string) string { return name + Suffix }

// Service is the definition of a service: what Define returns and a
// Registry holds. It is immutable once defined; the config file's values
// apply when a Manager loads it.
type Service struct {
	name        string
	info        string
	docs        string
	typ         Type
	source      string
	requires    []string
	after       []string
	restart     aioctl.RestartPolicy
	stopTimeout time.Duration
	schedule    json.RawMessage
	show        func() (title, text string)
	report      func(io.Writer) error // the watcher's Report (Manager.Report)
	disabled    bool
	noWatch     bool
	stopLast    bool
	taskOpts    []aioctl.Option
	onLoad      any
	defErr      error
	impl        impl
}

// Option configures a service in Define.
type Option func(*Service)

// WithInfo sets the info line shown after the name ("hello.service - Hello example runner v1.0").
func WithInfo(info string) Option { return func(s *Service) { s.info = info } }

// WithDocs sets the docs URL shown in debug status.
func WithDocs(url string) Option { return func(s *Service) { s.docs = url } }

// WithType sets the service's type; the default is Runtime.
func WithType(t Type) Option { return func(s *Service) { s.typ = t } }

// WithRequires names the services this one requires: it starts only after
// they are up (a core service: returned without error; any other: started),
// it does not start when one of them fails, and it stops before them. A
// required service that is not defined is an error.
func WithRequires(names ...string) Option {
	return func(s *Service) { s.requires = append(s.requires, names...) }
}

// WithAfter names services this one starts after when they are enabled too,
// without requiring them: a missing or failed one does not keep it from starting.
func WithAfter(names ...string) Option {
	return func(s *Service) { s.after = append(s.after, names...) }
}

// WithShow sets the function whose title and text debug status prints as
// the service's stats line ("Stats:     Temp: 25.79 C"). It is called only
// for debug status, from the goroutine asking for it: it must be safe for
// concurrent use and quick.
func WithShow(show func() (title, text string)) Option {
	return func(s *Service) { s.show = show }
}

// WithRestart sets the restart policy of the service's main task.
func WithRestart(p aioctl.RestartPolicy) Option { return func(s *Service) { s.restart = p } }

// WithStopTimeout sets how long a stop waits for the main task.
func WithStopTimeout(d time.Duration) Option { return func(s *Service) { s.stopTimeout = d } }

// WithSchedule sets the default schedule of a Schedule service as the JSON
// the config key "schedule" takes (aioschedule's Spec keys), e.g.
// `{"start_in": 20, "repeat": 90}`.
func WithSchedule(specJSON string) Option {
	return func(s *Service) { s.schedule = json.RawMessage(specJSON) }
}

// WithScheduleSpec is WithSchedule with a typed aioschedule.Spec.
func WithScheduleSpec(spec aioschedule.Spec) Option {
	return func(s *Service) {
		b, err := json.Marshal(spec)
		if err != nil {
			s.defErr = errors.Join(s.defErr, fmt.Errorf("schedule: %w", err))
			return
		}
		s.schedule = b
	}
}

// WithDisabled makes the service disabled unless the config file enables it.
func WithDisabled() Option { return func(s *Service) { s.disabled = true } }

// WithStopLast makes Manager.Shutdown stop the service after every other
// one, core services included: for a service that reports the others'
// states (the fleet device publishes each task's state), which then sees
// them stop and says so before it goes.
func WithStopLast() Option { return func(s *Service) { s.stopLast = true } }

// WithoutWatcherRestart opts the service (and its child tasks) out of the
// watcher's restarts; the watcher still counts its errors.
func WithoutWatcherRestart() Option { return func(s *Service) { s.noWatch = true } }

// WithSource sets where the service is said to be defined ("Service:
// hello.service from <source>"); the default is the file and line that
// called Define.
func WithSource(src string) Option { return func(s *Service) { s.source = src } }

// WithTaskOptions passes options to aioctl.Add when the main task is
// created: the main task's callbacks, for instance,
// WithTaskOptions(aioctl.WithOnStop(f), aioctl.WithOnError(g)).
func WithTaskOptions(opts ...aioctl.Option) Option {
	return func(s *Service) { s.taskOpts = append(s.taskOpts, opts...) }
}

// WithOnLoad sets the service's constructor: it runs when the service is
// loaded, with the arguments the task will get (defaults, then the config
// file's). An error or a panic in it fails the load; the error and its
// stack are kept (Manager.Traceback) and the other services load all the
// same. Its argument type must be the service's: Define reports a mismatch
// as a load error.
func WithOnLoad[A any](f func(ctx context.Context, args A) error) Option {
	return func(s *Service) { s.onLoad = f }
}

// Define returns a service named name whose main task runs run with
// arguments of type A. defaults are its arguments unless the config file's
// "args" overrides some of their JSON fields. Typed arguments mean the
// compiler checks defaults against run, and the config file's "args" is
// decoded into A with errors naming the field. Define does not register
// the service: pass it to a Registry's Register, or to the package-level
// Register for the default registry.
func Define[A, R any](name string, run aioctl.Func[A, R], defaults A, opts ...Option) *Service {
	s := &Service{name: name, typ: Runtime}
	if _, file, line, ok := runtime.Caller(1); ok {
		s.source = shortFile(file) + ":" + fmt.Sprint(line)
	}
	for _, o := range opts {
		o(s)
	}
	t := &typed[A, R]{run: run, defaults: defaults}
	if s.onLoad != nil {
		f, ok := s.onLoad.(func(context.Context, A) error)
		if !ok {
			s.defErr = fmt.Errorf("WithOnLoad callback is %T, want func(context.Context, %T) error", s.onLoad, defaults)
		}
		t.onLoad = f
	}
	s.impl = t
	if !validName(name) {
		s.defErr = errors.Join(s.defErr, fmt.Errorf("invalid service name %q (letters, digits, '_' and '-')", name))
	}
	if !s.typ.valid() {
		s.defErr = errors.Join(s.defErr, fmt.Errorf("unknown service type %q (want core.service, runtime.service or schedule.service)", s.typ))
	}
	return s
}

func shortFile(file string) string {
	dir, base := filepath.Split(file)
	return filepath.Join(filepath.Base(dir), base)
}

// impl is a service's typed half, behind an interface so that Service,
// Registry and Manager need no type parameters.
type impl interface {
	// decodeArgs returns the defaults with patch (a JSON object, or nil)
	// decoded over a deep copy of them.
	decodeArgs(patch json.RawMessage) (any, error)
	argsJSON(args any) json.RawMessage
	load(ctx context.Context, args any) error
	// add adds the main task of the service named name of m; it returns
	// the task and the name of the function it runs.
	// l is the instance its tasks' contexts carry.
	add(m *Manager, name string, l *life, args any, opts []aioctl.Option) (*aioctl.Task, string, error)
}

type typed[A, R any] struct {
	run      aioctl.Func[A, R]
	defaults A
	onLoad   func(context.Context, A) error
}

func (t *typed[A, R]) decodeArgs(patch json.RawMessage) (any, error) {
	var a A
	cur, err := json.Marshal(t.defaults)
	if err != nil {
		return nil, fmt.Errorf("default arguments cannot be encoded as JSON: %w", err)
	}
	if err := json.Unmarshal(cur, &a); err != nil {
		return nil, fmt.Errorf("default arguments cannot be decoded from JSON: %w", err)
	}
	if len(patch) == 0 {
		return a, nil
	}
	// The config's args follow the Duration rule, as "set args" does: a
	// time.Duration given as a number is seconds.
	if err := aioctl.UnmarshalArgs(patch, &a); err != nil {
		return nil, err
	}
	return a, nil
}

// argsJSON shows durations as "5s", which the config reads back as they
// are (a bare number there is seconds, not nanoseconds).
func (t *typed[A, R]) argsJSON(args any) json.RawMessage {
	b, err := aioctl.MarshalArgs(args)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func (t *typed[A, R]) load(ctx context.Context, args any) error {
	if t.onLoad == nil {
		return nil
	}
	return t.onLoad(ctx, args.(A))
}

func (t *typed[A, R]) add(m *Manager, name string, l *life, args any, opts []aioctl.Option) (*aioctl.Task, string, error) {
	task, err := aioctl.Add(m.g, inService(m, name, l, t.run), args.(A), opts...)
	return task, funcName(t.run), err
}
