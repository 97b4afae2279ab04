package aioservice

import (
	"fmt"
	"io"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

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
		in.Task, in.State = e.task.Name(), stateWord(e.task.State())
	}
	return in
}

// WriteList prints a header row, then one line per defined service:
// "hello.service  runtime.service  enabled  loaded  running  Hello runner".
func (m *Manager) WriteList(w io.Writer) error {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%-22s %-17s %-9s %-11s %-10s %s", "SERVICE", "TYPE", "ENABLED", "LOAD", "STATE", "DESCRIPTION") + "\n")
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

// statusExtension is the manager as the group's aioctl.StatusExtender,
// a type of its own so that ExtendStatus, which only the group calls, is
// not part of the Manager's API.
type statusExtension struct{ m *Manager }

// ExtendStatus adds the service header to the status of a service's main
// task (aioctl prints it in debug mode, and says "failed" for its errors)
// and its child tasks (printed under it in both modes),
// and names the function a service's task runs (main or child) as it was
// given to Define or AddChild.
func (x statusExtension) ExtendStatus(st *aioctl.TaskStatus, debug bool) {
	x.m.extendStatus(st, debug)
}

func (m *Manager) extendStatus(st *aioctl.TaskStatus, debug bool) {
	name, _, _ := strings.Cut(st.Name, ".")
	if !strings.HasPrefix(st.Name, TaskName(name)) {
		return
	}
	m.mu.Lock()
	e := m.entries[name]
	if e == nil || e.task == nil {
		m.mu.Unlock()
		return
	}
	if fn, ok := e.funcs[st.Name]; ok && st.Func != "" {
		st.Func = fn // the service's function, not the wrapper (context.go)
	}
	if e.task.Name() != st.Name {
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
	st.Children = m.children(st.Name)
}

// children lists the child tasks (AddChild's NAME.service.CHILD) of the
// service whose main task is named task, in the order they were added,
// for its status (plain and debug), as asyncmd's CTasks.
func (m *Manager) children(task string) []aioctl.ChildStatus {
	kids, _ := m.g.Find(task + ".*")
	if len(kids) == 0 {
		return nil
	}
	out := make([]aioctl.ChildStatus, len(kids))
	for i, k := range kids {
		out[i] = k.Child()
	}
	return out
}
