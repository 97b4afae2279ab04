package aioservice

import (
	"context"
	"fmt"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
)

// This file keeps the manager's table of services in agreement with the
// config file, the group and the scheduler when one of them changes
// behind the manager's back: a config edit, a task deleted by hand, a
// service loaded after Init.

// setConfigLocked makes c the manager's config and gives every service it
// knows the "enabled" that c says, so that List (and the next Boot or
// Init) follow an enable or disable at once. m.mu is held.
func (m *Manager) setConfigLocked(c *Config) {
	m.cfg = c
	for _, e := range m.entries {
		e.st.Enabled = !e.svc.disabled
		if ent, ok := c.Entry(e.name); ok && ent.Enabled != nil {
			e.st.Enabled = *ent.Enabled
		}
	}
}

// onDelete forgets a service whose main task was deleted from the group
// by hand (the delete verb, Group.Delete): the service is then not
// loaded, and loads again. The scheduler forgets a deleted task by
// itself; the service's child tasks are deleted with it, as Unload does,
// on a goroutine of their own since a watch must not block.
func (m *Manager) onDelete(ev aioctl.Event) {
	if ev.Cause != aioctl.CauseDelete {
		return
	}
	name, ok := strings.CutSuffix(ev.Name, Suffix)
	if !ok {
		return
	}
	m.mu.Lock()
	e := m.entries[name]
	if e == nil || e.task == nil || e.task != ev.Task {
		m.mu.Unlock()
		return // not ours, or unloaded already (Unload deletes its tasks)
	}
	m.forgetLocked(name)
	e.sched = false
	closed := m.closed
	if !closed {
		m.late.Add(1) // under m.mu: Close waits for it once closed is set
	}
	m.mu.Unlock()
	if closed {
		return
	}
	go func() {
		defer m.late.Done()
		e.life.end() // as in Unload: no child is added after the list is made
		children, _ := m.g.Find(TaskName(name) + ".*")
		if len(children) == 0 {
			return
		}
		names := make([]string, len(children))
		for i, t := range children {
			names[i] = t.Name()
		}
		_, _ = m.g.Delete(context.Background(), names...)
	}()
}

// forgetLocked removes the service named name from the manager's table.
// m.mu is held.
func (m *Manager) forgetLocked(name string) {
	delete(m.entries, name)
	delete(m.waiting, name)
	for i, n := range m.order {
		if n == name {
			m.order = append(m.order[:i:i], m.order[i+1:]...)
			break
		}
	}
}

var errDeletedWhileLoading = fmt.Errorf("%w: its task was deleted while it loaded", ErrNotLoaded)
