package aioservice

import (
	"context"
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
	g      *aioctl.Group
	reg    *Registry
	file   *ConfigFile
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
	// inited: Init ran (and no Stop since), so a schedule service that
	// loads is handed to the scheduler at once, as Init would.
	inited bool
	// unwatchDel ends the group watch that forgets a service whose main
	// task was deleted.
	unwatchDel func()
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
}

// ManagerOption configures a Manager.
type ManagerOption func(*Manager)

// WithConfigFile makes the manager read (and edit) the config file at path.
func WithConfigFile(path string) ManagerOption {
	return func(m *Manager) { m.file = NewConfigFile(path, nil) }
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
	g.AddStatusExtender(m)
	m.unwatchDel = g.Watch(m.onDelete)
	managers.Store(g, m)
	return m
}

// managers maps each group to the last manager made for it, so that a
// service's task finds its manager from its context (FromContext) without
// wrapping the task's function, whose name status shows.
var managers sync.Map

// Group returns the manager's group.
func (m *Manager) Group() *aioctl.Group { return m.g }

// ConfigFile returns the manager's config file, or nil.
func (m *Manager) ConfigFile() *ConfigFile { return m.file }

// printf prints one line of boot output, escaped for the terminal: the
// arguments (service info, sources, errors, results) are untrusted.
func (m *Manager) printf(format string, args ...any) {
	if m.out != nil {
		io.WriteString(m.out, termsafe.String(fmt.Sprintf(format, args...))+"\n")
	}
}

type svcKey struct{}

type svcCtx struct {
	m    *Manager
	name string
}

func withService(ctx context.Context, m *Manager, name string) context.Context {
	return context.WithValue(ctx, svcKey{}, svcCtx{m, name})
}

// FromContext returns the manager and the name of the service whose task
// (main or child) or constructor got ctx; ok is false outside a service.
func FromContext(ctx context.Context) (m *Manager, name string, ok bool) {
	if c, ok := ctx.Value(svcKey{}).(svcCtx); ok {
		return c.m, c.name, true
	}
	t := aioctl.FromContext(ctx)
	if t == nil {
		return nil, "", false
	}
	v, ok := managers.Load(t.Group())
	if !ok {
		return nil, "", false
	}
	m = v.(*Manager)
	name, _, _ = strings.Cut(t.Name(), ".")
	if !strings.HasPrefix(t.Name(), TaskName(name)) {
		return nil, "", false
	}
	m.mu.Lock()
	e := m.entries[name]
	m.mu.Unlock()
	if e == nil {
		return nil, "", false
	}
	return m, name, true
}

// AddChild adds and starts a child task of the service whose main task
// got ctx, named NAME.service.CHILD. A stopped or failed child of that name
// is replaced; a running one is an error. Children are stopped and removed
// with their service.
func AddChild[A, R any](ctx context.Context, child string, fn aioctl.Func[A, R], args A, opts ...aioctl.Option) (*aioctl.Task, error) {
	m, name, ok := FromContext(ctx)
	if !ok {
		return nil, errors.New("aioservice: AddChild outside a service's task")
	}
	tn := TaskName(name) + "." + child
	if t, ok := m.g.Get(tn); ok {
		if t.State().Active() {
			return nil, &ServiceError{Service: name, Err: fmt.Errorf("child task %s is running", tn)}
		}
		if _, err := m.g.Delete(ctx, tn); err != nil {
			return nil, err
		}
	}
	return aioctl.Add(m.g, fn, args, append(opts, aioctl.WithName(tn))...)
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
