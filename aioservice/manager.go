package aioservice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"

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
)

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

// ReloadConfig reads and validates the config file. A bad file is
// reported as a *ConfigError and the manager keeps the config it had.
func (m *Manager) ReloadConfig() error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	return m.reloadLocked()
}

func (m *Manager) reloadLocked() error {
	if m.file == nil {
		return nil
	}
	c, err := m.file.Read()
	if err == nil {
		err = m.validate(c)
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.cfg = c
	m.mu.Unlock()
	return nil
}

func (m *Manager) config() *Config {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cfg
}

// definition returns the service named name: registered, or declared as
// an exec service in c.
func (m *Manager) definition(name string, c *Config) (*Service, bool) {
	if s, ok := m.reg.Get(name); ok {
		return s, true
	}
	if e, ok := c.Entry(name); ok && e.Exec != nil {
		return execService(name, e, c.File), true
	}
	return nil, false
}

// names returns the defined services: registered ones in registration
// order, then the config's exec services in file order.
func (m *Manager) names(c *Config) []string {
	var out []string
	for _, s := range m.reg.Services() {
		out = append(out, s.name)
	}
	if c != nil {
		for _, e := range c.Entries {
			if _, ok := m.reg.Get(e.Name); !ok && e.Exec != nil {
				out = append(out, e.Name)
			}
		}
	}
	return out
}

// settings are a service's effective settings: its defaults with the
// config file's values over them.
type settings struct {
	Enabled     bool                 `json:"enabled"`
	Type        Type                 `json:"type"`
	Info        string               `json:"info,omitempty"`
	Docs        string               `json:"docs,omitempty"`
	Args        json.RawMessage      `json:"args"`
	Requires    []string             `json:"requires"`
	After       []string             `json:"after"`
	Schedule    json.RawMessage      `json:"schedule,omitempty"`
	Restart     RestartConfig        `json:"restart"`
	StopTimeout Duration             `json:"stop_timeout,omitempty"`
	Exec        *ExecConfig          `json:"exec,omitempty"`
	args        any                  // decoded
	spec        *aioschedule.Spec    // decoded schedule
	policy      aioctl.RestartPolicy // from Restart
	taskStop    time.Duration        // the main task's stop timeout
}

// resolve computes the settings of svc with entry e (nil: defaults only).
// Its errors are *ConfigError when they come from e.
func (m *Manager) resolve(svc *Service, c *Config, e *Entry) (settings, error) {
	st := settings{
		Enabled: !svc.disabled, Type: svc.typ, Info: svc.info, Docs: svc.docs,
		Requires: svc.Requires(), After: svc.After(), Schedule: svc.schedule,
		Restart: restartConfig(svc.restart), StopTimeout: Duration(svc.stopTimeout),
	}
	var patch json.RawMessage
	if e != nil {
		if e.Enabled != nil {
			st.Enabled = *e.Enabled
		}
		if e.Type != "" {
			st.Type = e.Type
		}
		if e.Info != "" {
			st.Info = e.Info
		}
		if e.Docs != "" {
			st.Docs = e.Docs
		}
		if e.Requires != nil {
			st.Requires = e.Requires
		}
		if e.After != nil {
			st.After = e.After
		}
		if e.Schedule != nil {
			st.Schedule = e.Schedule
		}
		if e.Restart != nil {
			st.Restart = *e.Restart
		}
		if e.StopTimeout != nil {
			st.StopTimeout = *e.StopTimeout
		}
		st.Exec = e.Exec
		patch = e.Args
	}
	args, err := svc.impl.decodeArgs(patch)
	if err != nil {
		if e != nil && patch != nil {
			return st, c.argsError(e, err)
		}
		return st, err
	}
	st.args, st.Args = args, svc.impl.argsJSON(args)
	if st.Requires == nil {
		st.Requires = []string{}
	}
	if st.After == nil {
		st.After = []string{}
	}
	st.policy = st.Restart.Policy()
	st.taskStop = time.Duration(st.StopTimeout)
	if st.Exec != nil {
		st.taskStop = svc.stopTimeout // the kill delay plus a margin
	}
	if st.Type == Schedule || st.Schedule != nil {
		if st.Schedule == nil {
			err := errors.New("a schedule.service needs a schedule")
			if e != nil {
				return st, c.p.errAt(e.off[""], e.Name, err.Error(), err)
			}
			return st, err
		}
		var spec aioschedule.Spec
		err := json.Unmarshal(st.Schedule, &spec)
		if err == nil {
			err = spec.Validate()
		}
		if err != nil {
			if e != nil && e.Schedule != nil {
				return st, scheduleError(c, e, err)
			}
			return st, fmt.Errorf("schedule: %w", err)
		}
		st.spec = &spec
	}
	return st, nil
}

func scheduleError(c *Config, e *Entry, err error) *ConfigError {
	base := e.off["schedule"]
	field := e.Name + ".schedule"
	if e.inKw["schedule"] {
		field = e.Name + ".kwargs.schedule"
	}
	off := base
	var se *aioschedule.SpecError
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Msg
		if se.Field != "" {
			field += "." + se.Field
			if k := keyOffset(e.Schedule, se.Field); k > 0 {
				off = base + k
			}
		}
	}
	return c.p.errAt(off, field, msg, err)
}

// validate checks a parsed config against the services: every entry names
// a defined service, its arguments and schedule decode, its dependencies
// exist, and there is no dependency cycle.
func (m *Manager) validate(c *Config) error {
	defined := func(name string) bool {
		if _, ok := m.reg.Get(name); ok {
			return true
		}
		e, ok := c.Entry(name)
		return ok && e.Exec != nil
	}
	for _, e := range c.Entries {
		_, registered := m.reg.Get(e.Name)
		switch {
		case registered && e.Exec != nil:
			return c.p.errAt(e.off["exec"], e.Name+".exec", "the service is defined in code; \"exec\" declares a new service under a name of its own", nil)
		case !registered && e.Exec == nil:
			return c.p.errAt(e.off[""], e.Name, "unknown service: not registered in the program, and no \"exec\" command to run", ErrUnknownService)
		case e.Exec != nil && e.Args != nil:
			return c.p.errAt(e.off["args"], e.Name+".args", "an exec service takes its command line from \"exec\", not \"args\"", nil)
		case registered && e.Type != "":
			return c.p.errAt(e.off["type"], e.Name+".type", "the type of a service defined in code is set in code", nil)
		}
		for i, d := range e.Requires {
			if !defined(d) {
				k := fmt.Sprintf("[%d]", i)
				err := &MissingError{Service: e.Name, Missing: d}
				return c.p.errAt(e.off["requires"+k], e.field("requires")+k, err.Error(), err)
			}
		}
		svc, _ := m.definition(e.Name, c)
		if _, err := m.resolve(svc, c, e); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				return err
			}
			return c.p.errAt(e.off[""], e.Name, err.Error(), err)
		}
	}
	// Cycles, over every defined service with its effective dependencies.
	var nodes []Node
	for _, n := range m.names(c) {
		svc, _ := m.definition(n, c)
		req, after := svc.requires, svc.after
		if e, ok := c.Entry(n); ok {
			if e.Requires != nil {
				req = e.Requires
			}
			if e.After != nil {
				after = e.After
			}
		}
		var r []string
		for _, d := range req {
			if defined(d) {
				r = append(r, d)
			}
		}
		nodes = append(nodes, Node{Name: n, Requires: r, After: after})
	}
	if _, err := Resolve(nodes); err != nil {
		var ce *CycleError
		if errors.As(err, &ce) {
			for _, cy := range ce.Cycles {
				for _, n := range cy.Members {
					if e, ok := c.Entry(n); ok {
						for _, k := range []string{"requires", "after"} {
							if off, ok := e.off[k]; ok {
								return c.p.errAt(off, e.field(k), err.Error(), err)
							}
						}
					}
				}
			}
		}
		return err
	}
	return nil
}

// Load loads the service named name: it computes its arguments (its
// defaults, and with useConfig the config file's values over them), runs
// its constructor (WithOnLoad), and adds its main task NAME.service to the
// group without starting it. A constructor that fails or panics is caught:
// the service is marked failed with the error and stack (see Traceback),
// a "[ ERROR ] … not loaded" line is printed, and the error is returned.
// With useConfig the config file is read again first; a bad file is a
// *ConfigError and loads nothing.
func (m *Manager) Load(ctx context.Context, name string, useConfig bool) error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	if useConfig && m.file != nil {
		// The file as it is now, as LoadAll reads it: a hand edit since
		// the last read counts. A bad file loads nothing.
		if err := m.reloadLocked(); err != nil {
			return err
		}
	}
	return m.loadLocked(ctx, name, useConfig)
}

func (m *Manager) loadLocked(ctx context.Context, name string, useConfig bool) error {
	var c *Config
	if useConfig {
		c = m.config()
	}
	svc, ok := m.definition(name, c)
	if !ok {
		return &ServiceError{Service: name, Err: ErrUnknownService}
	}
	m.mu.Lock()
	if e := m.entries[name]; e != nil && e.state == Loaded {
		m.mu.Unlock()
		return &ServiceError{Service: name, Err: ErrAlreadyLoaded}
	}
	m.mu.Unlock()
	e := &entry{name: name, svc: svc, source: svc.source}
	var ent *Entry
	if useConfig {
		ent, _ = c.Entry(name)
	}
	st, err := m.resolve(svc, c, ent)
	e.st = st
	if err == nil {
		err = m.construct(ctx, e)
	}
	if err != nil {
		e.state, e.err = Failed, err
		if e.trace == "" {
			e.trace = describe(err)
		}
		m.printf("[ ERROR ] Service: %s from %s not loaded: Error: %s", TaskName(name), e.source, describe(err))
	} else {
		e.state = Loaded
		m.printf("[ OK ] Service: %s from %s loaded", TaskName(name), e.source)
	}
	m.mu.Lock()
	if _, seen := m.entries[name]; !seen {
		m.order = append(m.order, name)
	}
	m.entries[name] = e
	m.mu.Unlock()
	if err != nil {
		return &ServiceError{Service: name, Err: err}
	}
	return nil
}

// describe is how a load error is printed: "panic: …" after a panic,
// the error's message otherwise (Go messages name their kind themselves).
func describe(err error) string {
	var pe *aioctl.PanicError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return err.Error()
}

// construct runs the constructor and creates the main task, turning a
// panic into an error with its stack.
func (m *Manager) construct(ctx context.Context, e *entry) (err error) {
	defer func() {
		if v := recover(); v != nil {
			pe := &aioctl.PanicError{Value: v, Stack: string(debug.Stack())}
			err = pe
			e.trace = pe.Error() + "\n" + pe.Stack
		}
	}()
	if e.svc.defErr != nil {
		return e.svc.defErr
	}
	if err := e.svc.impl.load(withService(ctx, m, e.name), e.st.args); err != nil {
		return err
	}
	tn := TaskName(e.name)
	if _, taken := m.g.Get(tn); taken {
		return fmt.Errorf("the group already has a task named %s", tn)
	}
	opts := []aioctl.Option{aioctl.Deferred(), aioctl.WithRestart(e.st.policy)}
	if e.st.taskStop > 0 {
		opts = append(opts, aioctl.WithStopTimeout(e.st.taskStop))
	}
	opts = append(opts, e.svc.taskOpts...)
	opts = append(opts, aioctl.WithName(tn))
	t, err := e.svc.impl.add(m.g, e.st.args, opts)
	if err != nil {
		return err
	}
	e.task = t
	return nil
}

// LoadAll loads every defined service that is not loaded yet. With
// useConfig it first reads the config file (a bad file loads nothing and
// is returned as a *ConfigError) and skips disabled services. A service
// that fails to load does not keep the others from loading; the returned
// error joins the failures.
func (m *Manager) LoadAll(ctx context.Context, useConfig bool) error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	if useConfig {
		if err := m.reloadLocked(); err != nil {
			return err
		}
	}
	var c *Config
	if useConfig {
		c = m.config()
	}
	var errs []error
	for _, n := range m.names(c) {
		m.mu.Lock()
		e := m.entries[n]
		m.mu.Unlock()
		if e != nil && e.state == Loaded {
			continue
		}
		if useConfig {
			svc, _ := m.definition(n, c)
			enabled := !svc.disabled
			if ent, ok := c.Entry(n); ok && ent.Enabled != nil {
				enabled = *ent.Enabled
			}
			if !enabled {
				continue
			}
		}
		if err := m.loadLocked(ctx, n, useConfig); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Unload stops the service's tasks (the main one and its children),
// removes them from the group and forgets the service.
func (m *Manager) Unload(ctx context.Context, name string) error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	m.mu.Lock()
	e := m.entries[name]
	if e == nil {
		m.mu.Unlock()
		return &ServiceError{Service: name, Err: ErrNotLoaded}
	}
	delete(m.entries, name)
	delete(m.waiting, name)
	for i, n := range m.order {
		if n == name {
			m.order = append(m.order[:i:i], m.order[i+1:]...)
			break
		}
	}
	sched := e.sched
	m.mu.Unlock()
	if sched && m.sched != nil {
		m.sched.Unschedule(TaskName(name))
	}
	if e.task == nil {
		return nil
	}
	_, err := m.g.Delete(ctx, m.taskNames(e)...)
	return err
}

// taskNames returns the names of the service's main task and its children.
func (m *Manager) taskNames(e *entry) []string {
	tn := TaskName(e.name)
	out := []string{tn}
	ts, _ := m.g.Find(tn + ".*")
	for _, t := range ts {
		out = append(out, t.Name())
	}
	return out
}

// Enable marks the service enabled in the config file.
func (m *Manager) Enable(name string) error {
	t := true
	return m.Configure(name, ConfigChange{Enabled: &t})
}

// Disable marks the service disabled in the config file. It does not stop
// a running service.
func (m *Manager) Disable(name string) error {
	f := false
	return m.Configure(name, ConfigChange{Enabled: &f})
}

// ConfigChange is an edit of one service's entry in the config file; nil
// fields are left as they are. Values are literal: a "${" in a string is
// written as "$${" and is not expanded when the file is read.
type ConfigChange struct {
	Enabled *bool
	// Args replaces the entry's "args" (fields it does not name keep the
	// service's defaults).
	Args        json.RawMessage
	Schedule    json.RawMessage
	Requires    []string
	After       []string
	Restart     *RestartConfig
	StopTimeout *Duration
}

// Configure edits the service's entry in the config file: the file is
// re-read, changed, validated as a whole and written atomically; a change
// that would make it invalid is refused and nothing is written. It takes
// effect the next time the service is loaded.
func (m *Manager) Configure(name string, ch ConfigChange) error {
	if m.file == nil {
		return ErrNoConfigFile
	}
	type kv struct {
		key string
		val any
	}
	var sets []kv
	add := func(k string, v any, present bool) {
		if present {
			sets = append(sets, kv{k, v})
		}
	}
	add("enabled", ch.Enabled, ch.Enabled != nil)
	add("args", ch.Args, ch.Args != nil)
	add("schedule", ch.Schedule, ch.Schedule != nil)
	add("requires", ch.Requires, ch.Requires != nil)
	add("after", ch.After, ch.After != nil)
	add("restart", ch.Restart, ch.Restart != nil)
	add("stop_timeout", ch.StopTimeout, ch.StopTimeout != nil)
	m.opMu.Lock()
	defer m.opMu.Unlock()
	if len(sets) == 0 { // nothing to write (writing would empty the file)
		c, err := m.file.Read()
		if err != nil {
			return err
		}
		if _, ok := m.definition(name, c); !ok {
			return &ServiceError{Service: name, Err: ErrUnknownService}
		}
		return nil
	}
	var encErr error
	next, err := m.file.edit(func(c *Config) ([]byte, error) {
		var data []byte
		for i, s := range sets {
			val, err := json.Marshal(s.val)
			if err != nil {
				encErr = err
				return nil, err
			}
			// A value is literal: a "${" in it (only ever inside a JSON
			// string) is written as "$${", which reads back as "${".
			val = bytes.ReplaceAll(val, []byte("${"), []byte("$${"))
			data = c.setField(name, s.key, val)
			if i < len(sets)-1 {
				if c, err = m.file.parse(data); err != nil {
					return nil, err
				}
			}
		}
		return data, nil
	}, m.validate)
	if encErr != nil {
		return encErr
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.cfg = next
	m.mu.Unlock()
	return nil
}

// GetConfig returns the service's effective settings as indented JSON:
// its defaults with the values of the config file, as it is now, over them.
func (m *Manager) GetConfig(name string) (json.RawMessage, error) {
	if m.file != nil { // the file as it is now
		if err := m.ReloadConfig(); err != nil {
			return nil, err
		}
	}
	c := m.config()
	svc, ok := m.definition(name, c)
	if !ok {
		return nil, &ServiceError{Service: name, Err: ErrUnknownService}
	}
	e, _ := c.Entry(name)
	st, err := m.resolve(svc, c, e)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(st, "", "  ")
}

// Traceback returns why the service failed to load: the error and, after a
// panic, its stack. It is empty for a service that loaded.
func (m *Manager) Traceback(name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[name]
	if e == nil {
		return "", &ServiceError{Service: name, Err: ErrNotLoaded}
	}
	if e.state != Failed {
		return "", nil
	}
	return e.trace, nil
}

// Info describes a service for List.
type Info struct {
	Name     string    `json:"name"`
	Type     Type      `json:"type"`
	Info     string    `json:"info,omitempty"`
	Docs     string    `json:"docs,omitempty"`
	Source   string    `json:"source"`
	Enabled  bool      `json:"enabled"`
	Load     LoadState `json:"load"`
	Error    string    `json:"error,omitempty"`
	Task     string    `json:"task,omitempty"`
	State    string    `json:"state,omitempty"`
	Note     string    `json:"note,omitempty"`
	Requires []string  `json:"requires,omitempty"`
	After    []string  `json:"after,omitempty"`
}

// List returns every defined service with its load state, in definition order.
func (m *Manager) List() []Info {
	c := m.config()
	var out []Info
	for _, n := range m.names(c) {
		svc, _ := m.definition(n, c)
		m.mu.Lock()
		e := m.entries[n]
		var in Info
		if e != nil {
			in = e.info() // under the lock: Boot writes notes
		}
		m.mu.Unlock()
		if e == nil {
			ent, _ := c.Entry(n)
			st, err := m.resolve(svc, c, ent)
			in = Info{Name: n, Type: st.Type, Info: st.Info, Docs: st.Docs, Source: svc.source,
				Enabled: st.Enabled, Requires: st.Requires, After: st.After}
			if err != nil {
				in.Error = err.Error()
			}
		}
		out = append(out, in)
	}
	return out
}

func (e *entry) info() Info {
	in := Info{Name: e.name, Type: e.st.Type, Info: e.st.Info, Docs: e.st.Docs, Source: e.source,
		Enabled: e.st.Enabled, Load: e.state, Note: e.note, Requires: e.st.Requires, After: e.st.After}
	if e.err != nil {
		in.Error = describe(e.err)
	}
	if e.task != nil {
		in.Task, in.State = e.task.Name(), e.task.State().String()
	}
	return in
}

// WriteList prints one line per defined service:
// "hello.service  runtime.service  enabled  loaded  running  Hello runner".
func (m *Manager) WriteList(w io.Writer) error {
	var b strings.Builder
	for _, in := range m.List() {
		en := "disabled"
		if in.Enabled {
			en = "enabled"
		}
		state := in.State
		if state == "" {
			state = "-"
		}
		b.WriteString(termsafe.String(fmt.Sprintf("%-22s %-17s %-9s %-11s %-10s %s", TaskName(in.Name), in.Type, en, in.Load, state, in.Info)) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LoadStatus returns the load status lines of the loaded and failed
// services (all when no name is given), in load order, escaped for the
// terminal (a source or an error may hold anything):
//
//	[ OK ] Service: hello.service from services/hello.go:12 loaded
//	[ ERROR ] Service: dofail.service from services/dofail.go:9 not loaded: Error: panic: …
func (m *Manager) LoadStatus(names ...string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	want := func(n string) bool {
		if len(names) == 0 {
			return true
		}
		for _, p := range names {
			if aioctl.Match(strings.TrimSuffix(p, Suffix), n) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, n := range m.order {
		e := m.entries[n]
		if !want(n) {
			continue
		}
		if e.state == Failed {
			out = append(out, termsafe.String(fmt.Sprintf("[ ERROR ] Service: %s from %s not loaded: Error: %s", TaskName(n), e.source, describe(e.err))))
		} else {
			out = append(out, termsafe.String(fmt.Sprintf("[ OK ] Service: %s from %s loaded", TaskName(n), e.source)))
		}
	}
	return out
}

// WriteLoadStatus prints LoadStatus, one line each.
func (m *Manager) WriteLoadStatus(w io.Writer, names ...string) error {
	var b strings.Builder
	for _, l := range m.LoadStatus(names...) {
		b.WriteString(l + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ExtendStatus adds the service header to the status of a service's main
// task (aioctl prints it in debug mode, and says "failed" for its errors).
func (m *Manager) ExtendStatus(st *aioctl.TaskStatus, debug bool) {
	name, ok := strings.CutSuffix(st.Name, Suffix)
	if !ok {
		return
	}
	m.mu.Lock()
	e := m.entries[name]
	if e == nil || e.task == nil || e.task.Name() != st.Name {
		m.mu.Unlock()
		return
	}
	si := &aioctl.ServiceInfo{Description: e.st.Info, Loaded: "Service: " + st.Name + " from " + e.source,
		Type: string(e.st.Type), Docs: e.st.Docs}
	if e.note != "" {
		si.Loaded += " (" + e.note + ")"
	}
	show := e.svc.show
	m.mu.Unlock()
	if debug && show != nil {
		si.StatsTitle, si.Stats = show()
	}
	st.Service = si
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
