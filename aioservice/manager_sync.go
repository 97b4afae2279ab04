package aioservice

import (
	"context"
	"errors"
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

// armLoaded hands a schedule service that loaded after Init to the
// scheduler, as Init would have: at once when every service it requires
// is up, else late, when they are (see Boot).
func (m *Manager) armLoaded(ctx context.Context, e *entry) error {
	m.mu.Lock()
	arm := m.inited && !m.closed && e.st.Type == Schedule
	m.mu.Unlock()
	if !arm {
		return nil
	}
	for _, d := range e.st.Requires {
		if ok, why := m.ready(d); !ok {
			reason := "requires " + TaskName(d) + ", which " + why
			m.setNote(e, "not started: "+reason)
			m.wait(e.name)
			m.printf("[ ERROR ] %s not started: %s", TaskName(e.name), reason)
			return nil
		}
	}
	o := m.startOne(ctx, e, 0)
	if t, ok := m.g.Get(TaskName(e.name)); !ok || t != e.task {
		// Deleted meanwhile (onDelete forgot the service): a schedule the
		// scheduler took before the delete was done must not outlive it.
		// The caller holds opMu, so no new task of that name exists.
		if o.ok && m.sched != nil {
			_ = m.sched.Unschedule(TaskName(e.name))
		}
		return errDeletedWhileLoading
	}
	for _, l := range o.lines {
		m.printf("%s", l)
	}
	if !o.ok {
		return errors.New("loaded, but " + o.reason)
	}
	return nil
}

var errDeletedWhileLoading = fmt.Errorf("%w: its task was deleted while it loaded", ErrNotLoaded)
