package aioservice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Load loads the service named name: it computes its arguments (its
// defaults, and with useConfig the config file's values over them), runs
// its constructor (WithOnLoad), and adds its main task NAME.service to the
// group without starting it. A constructor that fails or panics is caught:
// the service is marked failed with the error and stack (see Traceback),
// a "[ ERROR ] … not loaded" line is printed, and the error is returned
// (errors.Is(err, ErrLoadFailed)).
// With useConfig the config file is read again first; a bad file is a
// *ConfigError and loads nothing. Load starts nothing, whatever the type
// and whether or not Init ran: Start starts it (the control verb
// "services load" does both, unless --no-start). A service whose
// main task is deleted from the group by hand is forgotten: it is not
// loaded any more, and loads again.
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
	if e.task != nil {
		// A delete of the new task before the entry was stored had no
		// entry to forget (onDelete): forget it now. One after is onDelete's.
		if t, ok := m.g.Get(e.task.Name()); !ok || t != e.task {
			m.forgetLocked(name)
			m.mu.Unlock()
			return &ServiceError{Service: name, Err: errDeletedWhileLoading}
		}
	}
	m.mu.Unlock()
	if err != nil {
		return &ServiceError{Service: name, Err: &loadError{err}}
	}
	m.applyLogLevel(name, e.st.LogLevel)
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
			pe := aioctl.NewPanicError(v) // the stack from the panic site
			err = pe
			e.trace = pe.Error() + "\n" + pe.Stack
		}
	}()
	e.life = &life{}
	if e.svc.defErr != nil {
		return e.svc.defErr
	}
	if err := e.svc.impl.load(withService(ctx, m, e.name, e.life), e.st.args); err != nil {
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
	if r := e.st.Readiness; r != nil { // the file's "readiness" over the code's
		opts = append(opts, aioctl.WithReadiness(time.Duration(r.Timeout)))
	}
	opts = append(opts, aioctl.WithName(tn))
	t, fn, err := e.svc.impl.add(m, e.name, e.life, e.st.args, opts)
	if err != nil {
		return err
	}
	e.task, e.funcs = t, map[string]string{t.Name(): fn}
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
	m.forgetLocked(name)
	sched := e.sched
	e.sched = false
	m.mu.Unlock()
	if sched && m.sched != nil {
		m.sched.Unschedule(TaskName(name))
	}
	// No child may be added from here on, and the ones being added are in
	// the group once end returns: the list below is all of them.
	e.life.end()
	if e.task == nil {
		return nil
	}
	_, err := m.g.Delete(ctx, m.taskNames(e)...)
	if errors.Is(err, aioctl.ErrNotFound) {
		err = nil // a task already gone (deleted meanwhile) is what unload wants
	}
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
