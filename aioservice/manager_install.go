package aioservice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Add installs a service without rebuilding the program: it writes entry
// (a JSON object: an "exec" command, or a registered service's "args" and
// other keys) as the service's new entry in the config file, loads the
// service and starts it (Start). The file must not have an entry for it
// yet (a *ConfigError: change one with PatchConfig), and a loaded service
// is refused (ErrAlreadyLoaded). The entry is checked as PatchConfig
// checks a change: nothing is written when it is wrong. A service that
// then fails to load is taken out again (the file byte for byte as it
// was) and the error says "the change is refused; the file is unchanged".
func (m *Manager) Add(ctx context.Context, name string, entry []byte) error {
	if m.file == nil {
		return ErrNoConfigFile
	}
	m.mu.Lock()
	e := m.entries[name]
	loaded := e != nil && e.state == Loaded
	m.mu.Unlock()
	if loaded {
		return &ServiceError{Service: name, Err: ErrAlreadyLoaded}
	}
	orig, rerr := os.ReadFile(m.file.path)
	if err := m.patch(name, entry, true, false); err != nil {
		return err
	}
	if err := m.Load(ctx, name, true); err != nil {
		// A service that cannot load is not installed: the file is put
		// back as it was, so a failed add leaves nothing behind.
		if uerr := m.restoreFile(orig, rerr == nil); uerr != nil {
			return errors.Join(err, uerr)
		}
		return fmt.Errorf("%w (the change is refused; the file is unchanged)", err)
	}
	_, err := m.Start(ctx, name)
	return err
}

// restoreFile writes the config file back to orig (removes it when it did
// not exist) and rereads it.
func (m *Manager) restoreFile(orig []byte, existed bool) error {
	m.opMu.Lock()
	defer m.opMu.Unlock()
	if !existed {
		if err := os.Remove(m.file.path); err != nil {
			return err
		}
		orig = nil
	}
	next, err := m.file.edit(func(*Config) ([]byte, error) { return orig, nil }, nil)
	if err != nil || next == nil {
		return err
	}
	m.mu.Lock()
	m.setConfigLocked(next)
	m.mu.Unlock()
	return nil
}

// errNoEntry: the file has no entry for the service (Remove).
var errNoEntry = errors.New("no entry")

// Remove uninstalls a service: it stops and unloads it (when loaded) and
// deletes its entry from the config file. An exec service is gone after
// it; a registered one stays defined, with its defaults. A service that
// is neither loaded nor in the file is ErrUnknownService. The file is
// validated as for PatchConfig: a removal that leaves it invalid (another
// service requires this one) is refused, after the unload.
func (m *Manager) Remove(ctx context.Context, name string) error {
	if m.file == nil {
		return ErrNoConfigFile
	}
	err := m.Unload(ctx, name)
	if err != nil && !errors.Is(err, ErrNotLoaded) {
		return err
	}
	unloaded := err == nil
	m.opMu.Lock()
	defer m.opMu.Unlock()
	next, err := m.file.edit(func(c *Config) ([]byte, error) {
		if _, ok := c.Entry(name); !ok {
			return nil, errNoEntry
		}
		return c.p.merge([]byte("{"+strconv.Quote(name)+": null}"), literal)
	}, m.validate)
	switch {
	case errors.Is(err, errNoEntry) && unloaded:
		return nil
	case errors.Is(err, errNoEntry):
		return &ServiceError{Service: name, Err: ErrUnknownService}
	case err != nil:
		return err
	}
	m.mu.Lock()
	m.setConfigLocked(next)
	m.mu.Unlock()
	return nil
}

// Start starts the named loaded services (none named: every loaded,
// enabled service) that are not up, as the boot does: core services
// first, each after the services it requires, a core service waited for;
// runtime services are started, schedule services handed to the
// scheduler. A service that is up (running, on its schedule, a core
// service that is done) is left as it is, so Start with no names is the
// boot again for the services that failed or did not start. It returns
// the services it started; the error joins those that failed or did not
// start, and names it does not know or that are not loaded.
func (m *Manager) Start(ctx context.Context, names ...string) ([]string, error) {
	// Serialised with load and unload: an Unload must not read a service
	// as unscheduled while Start hands it to the scheduler.
	m.opMu.Lock()
	defer m.opMu.Unlock()
	want := make(map[string]bool, len(names))
	var errs []error
	m.mu.Lock()
	for _, n := range names {
		want[n] = true
		if e := m.entries[n]; e == nil || e.state != Loaded {
			errs = append(errs, &ServiceError{Service: n, Err: ErrNotLoaded})
		}
	}
	var core, others []*entry
	for _, n := range m.order {
		e := m.entries[n]
		if e.state != Loaded || e.task == nil || (len(names) > 0 && !want[n]) || (len(names) == 0 && !e.st.Enabled) {
			continue
		}
		if e.st.Type == Core {
			core = append(core, e)
		} else {
			others = append(others, e)
		}
	}
	m.mu.Unlock()
	down := func(sel []*entry) []*entry {
		var out []*entry
		for _, e := range sel {
			m.mu.Lock()
			on := e.sched
			m.mu.Unlock()
			st := e.task.State()
			if !on && !st.Active() && !(e.st.Type == Core && st == aioctl.Done) {
				out = append(out, e)
			}
		}
		return out
	}
	started, err := m.startSet(ctx, true, down(core))
	errs = append(errs, err)
	more, err := m.startSet(ctx, false, down(others))
	errs = append(errs, err)
	// A main task deleted by hand meanwhile (onDelete forgot the service):
	// a schedule the scheduler took for it must not outlive it.
	var up []string
	for _, n := range append(started, more...) {
		m.mu.Lock()
		e, sched := m.entries[n], m.sched
		m.mu.Unlock()
		if t, ok := m.g.Get(TaskName(n)); e == nil || !ok || t != e.task {
			if sched != nil {
				_ = sched.Unschedule(TaskName(n))
			}
			errs = append(errs, &ServiceError{Service: n, Err: errDeletedWhileLoading})
			continue
		}
		up = append(up, n)
	}
	return up, errors.Join(errs...)
}

// Report writes the report of the watcher service (Watcher.Service): its
// error counts with the last traceback of each failing task and error
// type, as the seed's aioservice.call("watcher") printed them. Without a
// watcher among the services it is ErrUnknownService.
func (m *Manager) Report(out io.Writer) error {
	for _, s := range m.reg.all() {
		if s.report != nil {
			return s.report(out)
		}
	}
	return &ServiceError{Service: "watcher", Err: ErrUnknownService}
}
