package aioservice

import (
	"slices"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
)

// This file starts late the services Boot, Init or a load after Init did
// not start because a service they require was not up: the manager
// watches the group (once), and when that service comes up (a core
// service ended Done, another is Running) starts those now ready.

// wait records that the service named name did not start because a
// service it requires was not up, and watches the group (once) so that it
// starts late when that service comes up.
func (m *Manager) wait(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	if m.waiting == nil {
		m.waiting = map[string]bool{}
	}
	m.waiting[name] = true
	if m.unwatch == nil {
		m.unwatch = m.watchLate() // ready.go: state changes and readiness
	}
}

// onEvent starts late the services waiting for the service whose main
// task came up: a core service that ended Done, another that is Running.
// It runs on the goroutine that changed the state, so it only picks the
// candidates; the starts happen on a goroutine of their own.
func (m *Manager) onEvent(ev aioctl.Event) {
	if ev.To != aioctl.Done && ev.To != aioctl.Running {
		return
	}
	name, ok := strings.CutSuffix(ev.Name, Suffix)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dep := m.entries[name]
	if m.closed || len(m.waiting) == 0 || dep == nil || dep.task != ev.Task ||
		(dep.st.Type == Core) != (ev.To == aioctl.Done) && !dep.task.DeclaresReadiness() {
		return
	}
	var cands []string
	for _, n := range m.order {
		if e := m.entries[n]; m.waiting[n] && slices.Contains(e.st.Requires, name) {
			cands = append(cands, n)
		}
	}
	if len(cands) == 0 {
		return
	}
	m.late.Add(1)
	go func() {
		defer m.late.Done()
		for _, n := range cands {
			m.startLate(n, name)
		}
	}()
}

// startLate starts the waiting service named name, now that the service
// up is up, if every service it requires is up and nobody started it.
func (m *Manager) startLate(name, up string) {
	m.mu.Lock()
	e := m.entries[name]
	m.mu.Unlock()
	if e == nil || e.task == nil {
		return
	}
	for _, d := range e.st.Requires {
		if ok, why := m.ready(d); !ok {
			// Still blocked by another: it starts when that one is up.
			m.mu.Lock()
			if m.waiting[name] && m.entries[name] == e {
				e.note = "not started: requires " + TaskName(d) + ", which " + why
			}
			m.mu.Unlock()
			return
		}
	}
	m.mu.Lock()
	if !m.waiting[name] || m.entries[name] != e || m.closed {
		m.mu.Unlock()
		return
	}
	delete(m.waiting, name)
	m.mu.Unlock()
	tn := TaskName(name)
	note := "started late, when " + TaskName(up) + " came up"
	var err error
	switch {
	case e.st.Type == Schedule && e.sched:
		m.setNote(e, "")
		return // scheduled since by hand
	case e.st.Type == Schedule:
		var s Scheduler
		if s, err = m.scheduler(); err == nil {
			err = s.Schedule(tn, *e.st.spec)
		}
		if err == nil {
			m.mu.Lock()
			e.sched = true
			m.mu.Unlock()
		}
	case e.task.State() != aioctl.Scheduled:
		m.setNote(e, "")
		return // started since by hand
	default:
		_, err = e.task.Start()
	}
	if err != nil {
		m.setNote(e, "not started late: "+err.Error())
		m.printf("[ ERROR ] %s not started late: %v", tn, err)
		return
	}
	m.setNote(e, note)
	m.printf("[ OK ] Starting %s late: %s is up", tn, TaskName(up))
}
