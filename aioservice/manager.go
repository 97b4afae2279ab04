package aioservice

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Errors the verbs return; test for them with errors.Is.
var (
	// ErrUnknownService: no service of that name is registered or declared.
	ErrUnknownService = errors.New("unknown service")
	// ErrNotLoaded: the verb needs a loaded service.
	ErrNotLoaded = errors.New("service not loaded")
	// ErrAlreadyLoaded: the service is loaded (unload it first).
	ErrAlreadyLoaded = errors.New("service already loaded")
	// ErrNoConfigFile: the manager has no config file to edit.
	ErrNoConfigFile = errors.New("no config file")
	// ErrLoadFailed: the service's constructor (WithOnLoad) returned an
	// error or panicked, or its definition is wrong; Traceback says why.
	ErrLoadFailed = errors.New("load failed")
)

// loadError is a failed load: its message is the cause's, and it is both
// ErrLoadFailed and the cause for errors.Is and errors.As.
type loadError struct{ err error }

func (e *loadError) Error() string   { return e.err.Error() }
func (e *loadError) Unwrap() []error { return []error{ErrLoadFailed, e.err} }

// ServiceError is an error about one service.
type ServiceError struct {
	Service string
	Err     error
}

// Error names the service and says what went wrong.
func (e *ServiceError) Error() string { return TaskName(e.Service) + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ServiceError) Unwrap() error { return e.Err }

// LoadState says whether a service is loaded.
type LoadState uint8

const (
	// NotLoaded: the service is defined but not loaded.
	NotLoaded LoadState = iota
	// Loaded: its main task exists in the group.
	Loaded
	// Failed: loading it failed (see Manager.Traceback).
	Failed
)

var loadStateNames = [...]string{"not loaded", "loaded", "failed"}

// String returns "not loaded", "loaded" or "failed".
func (s LoadState) String() string {
	if int(s) < len(loadStateNames) {
		return loadStateNames[s]
	}
	return "unknown"
}

// MarshalText encodes the state as its name.
func (s LoadState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Scheduler is what a Manager needs to run schedule services;
// *aioschedule.Scheduler is one.
type Scheduler interface {
	Schedule(task string, spec aioschedule.Spec) error
	Unschedule(task string) error
}

// Manager loads the services of a registry (and the exec services of its
// config file) into an aioctl group, boots them in dependency order, stops
// them in reverse order, and edits the config file. Its methods are safe
// for concurrent use.
type Manager struct {
	killed sync.Map // service name → true: its command needed SIGKILL at a stop (shutdown.go)
	g      *aioctl.Group
	reg    *Registry
	file   *configFile
	out    io.Writer
	sched  Scheduler
	owned  *aioschedule.Scheduler
	lookup func(string) (string, bool)

	opMu sync.Mutex // serialises load, unload and config reloads

	mu      sync.Mutex
	cfg     *Config
	entries map[string]*entry
	order   []string // names of entries, in load order
	// waiting holds the services Boot or Init did not start because a
	// service they require was not up; they start late when it comes up.
	waiting map[string]bool
	unwatch func()         // the group watch that starts them; nil until needed
	late    sync.WaitGroup // late starts in progress
	closed  bool
	// unwatchDel ends the group watch that forgets a service whose main
	// task was deleted.
	unwatchDel func()
	// unextend removes the manager from the group's status extenders
	// (Close).
	unextend func()
	// logLevel applies a service's log_level (SetLogLevelFunc); nil: none.
	logLevel func(task, level string) error
}

type entry struct {
	name   string
	svc    *Service
	state  LoadState
	err    error
	trace  string
	task   *aioctl.Task
	st     settings
	note   string // why it did not start
	source string
	sched  bool // scheduled by the manager
	// funcs names the function each task of the service (main, children)
	// runs, for status: the group sees the wrapper that gives the task's
	// context its service (see context.go).
	funcs map[string]string // by task name: set before the task starts
	// life is the loaded instance (set by construct): ended when the
	// service's tasks are deleted, so that no child is added after.
	life *life
}

// ManagerOption configures a Manager.
type ManagerOption func(*Manager)

// WithConfigFile makes the manager read (and edit) the config file at path.
func WithConfigFile(path string) ManagerOption {
	return func(m *Manager) { m.file = newConfigFile(path, nil) }
}

// WithEnv sets how the config file's ${VAR} are looked up before the
// .env file (default os.LookupEnv).
func WithEnv(lookup func(string) (string, bool)) ManagerOption {
	return func(m *Manager) { m.lookup = lookup }
}

// WithOutput sets where the load and boot status lines go as they happen
// ("[ OK ] Service: hello.service from … loaded"); default nowhere.
func WithOutput(w io.Writer) ManagerOption { return func(m *Manager) { m.out = w } }

// WithScheduler sets the scheduler of schedule services. Without it the
// manager creates an aioschedule.Scheduler on the group when a schedule
// service first starts, and closes it in Close.
func WithScheduler(s Scheduler) ManagerOption { return func(m *Manager) { m.sched = s } }

// NewManager returns a manager for the services of reg (nil: Default())
// running in g. It adds the service header to g's debug status.
func NewManager(g *aioctl.Group, reg *Registry, opts ...ManagerOption) *Manager {
	if reg == nil {
		reg = Default()
	}
	m := &Manager{g: g, reg: reg, entries: make(map[string]*entry)}
	for _, o := range opts {
		o(m)
	}
	if m.file != nil && m.lookup != nil {
		m.file.lookup = m.lookup
	}
	m.unextend = g.AddStatusExtender(statusExtension{m})
	m.unwatchDel = g.Watch(m.onDelete)
	return m
}

// printf prints one line of boot output, escaped for the terminal: the
// arguments (service info, sources, errors, results) are untrusted.
func (m *Manager) printf(format string, args ...any) {
	if m.out != nil {
		io.WriteString(m.out, termsafe.String(fmt.Sprintf(format, args...))+"\n")
	}
}

// noWatch reports whether the task belongs to a service that opted out of
// the watcher's restarts.
func (m *Manager) noWatch(task string) bool {
	name, _, _ := strings.Cut(task, ".")
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[name]
	return e != nil && e.svc.noWatch && strings.HasPrefix(task, TaskName(name))
}

// scheduled reports whether the task is the main task of a service the
// manager has handed to its scheduler.
func (m *Manager) scheduled(task string) bool {
	name, ok := strings.CutSuffix(task, Suffix)
	if !ok {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[name]
	return e != nil && e.sched
}
