package aioservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// reloadConfig reads and validates the config file. A bad file is
// reported as a *ConfigError and the manager keeps the config it had.
func (m *Manager) reloadConfig() error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	return m.reloadLocked()
}

func (m *Manager) reloadLocked() error {
	if m.file == nil {
		return nil
	}
	c, err := m.file.read()
	if err == nil {
		err = m.validate(c)
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.setConfigLocked(c)
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
	if s, ok := m.reg.get(name); ok {
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
	for _, s := range m.reg.all() {
		out = append(out, s.name)
	}
	if c != nil {
		for _, e := range c.Entries {
			if _, ok := m.reg.get(e.Name); !ok && e.Exec != nil {
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
	Readiness   *ReadinessConfig     `json:"readiness,omitempty"`
	Children    *ChildrenConfig      `json:"children,omitempty"`
	Exec        *ExecConfig          `json:"exec,omitempty"`
	LogLevel    string               `json:"log_level,omitempty"`
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
		Requires: append([]string(nil), svc.requires...), After: append([]string(nil), svc.after...), Schedule: svc.schedule,
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
		st.Readiness, st.Children = e.Readiness, e.Children
		st.Exec = e.Exec
		st.LogLevel = e.LogLevel
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
	st.policy = st.Restart.policy()
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
		if _, ok := m.reg.get(name); ok {
			return true
		}
		e, ok := c.Entry(name)
		return ok && e.Exec != nil
	}
	for _, e := range c.Entries {
		_, registered := m.reg.get(e.Name)
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
		if err := execSupervisionError(c, e); err != nil {
			return err
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
	var nodes []depNode
	for _, n := range m.names(c) {
		svc, _ := m.definition(n, c)
		node := depNode{Name: n, Requires: svc.requires, After: svc.after}
		if e, ok := c.Entry(n); ok {
			if e.Requires != nil {
				node.Requires = e.Requires
			}
			if e.After != nil {
				node.After = e.After
			}
		}
		nodes = append(nodes, node)
	}
	if _, err := sortDeps(within(nodes)); err != nil {
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
		c, err := m.file.read()
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
	m.setConfigLocked(next)
	m.mu.Unlock()
	return nil
}

// GetConfig returns the service's effective settings as indented JSON:
// its defaults with the values of the config file, as it is now, over them.
func (m *Manager) GetConfig(name string) (json.RawMessage, error) {
	if m.file != nil { // the file as it is now
		if err := m.reloadConfig(); err != nil {
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
	// Without HTML escaping: it is shown on terminals and in the
	// dashboard's editor, where "<b> & x" must read as typed.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(st); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
