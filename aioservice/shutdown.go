package aioservice

import (
	"context"
	"errors"
	"slices"

	"github.com/aiotools-go/aiotools/aioctl"
)

// ShutdownReport is what Shutdown did.
type ShutdownReport struct {
	// Order lists the services in the order Shutdown stopped them: the
	// reverse of the boot order.
	Order []string `json:"order"`
	// NotStopped lists the tasks still running after their stop timeout
	// (or when ctx ended): a program that exits now abandons them.
	NotStopped []NotStopped `json:"not_stopped,omitempty"`
	// Killed lists the tasks of exec services whose command ignored
	// SIGTERM and was killed with SIGKILL after its kill_after.
	Killed []string `json:"killed,omitempty"`
}

// NotStopped is a task that did not stop: Err matches
// aioctl.ErrStopTimeout, or is ctx's error.
type NotStopped struct {
	Service string `json:"service"`
	Task    string `json:"task"`
	Err     error  `json:"-"`
}

// Shutdown stops the services one at a time in the reverse of the order
// Boot and Init started them (BootOrder: the runtime and schedule services
// last to first, then the core services last to first; services loaded
// or started by hand outside it go first, last loaded first; services
// defined WithStopLast go after all of them). A schedule
// service is unscheduled first. Each service's tasks (the main task and
// its children) get their own stop timeout; one that does not return in
// time is left running, reported in NotStopped, and the shutdown goes on
// with the next service; an exec service's command that needed SIGKILL is
// listed in Killed. The error joins those of the tasks that did not
// stop (nil when all did). Close, after it, finds nothing left to stop.
func (m *Manager) Shutdown(ctx context.Context) (ShutdownReport, error) {
	rep := ShutdownReport{Order: []string{}}
	bo, _ := m.BootOrder() // a cycle: no boot order; the load order below stops all
	order := append(append([]string(nil), bo.Core...), bo.Others...)
	m.mu.Lock()
	for _, n := range m.order {
		if e := m.entries[n]; e.task != nil && !slices.Contains(order, n) {
			order = append(order, n) // outside the boot: started by hand, later
		}
	}
	// WithStopLast services go first in the list, stopped last.
	var last []string
	order = slices.DeleteFunc(order, func(n string) bool {
		if e := m.entries[n]; e != nil && e.svc != nil && e.svc.stopLast {
			last = append(last, n)
			return true
		}
		return false
	})
	order = append(last, order...)
	sched := m.sched
	m.mu.Unlock()
	var errs []error
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		m.mu.Lock()
		e := m.entries[n]
		if e == nil || e.task == nil {
			m.mu.Unlock()
			continue
		}
		wasSched := e.sched
		e.sched = false
		m.mu.Unlock()
		if wasSched && sched != nil {
			sched.Unschedule(TaskName(n))
		}
		rep.Order = append(rep.Order, n)
		m.killed.Delete(n)
		_, err := m.g.Stop(ctx, m.taskNames(e)...)
		if _, killed := m.killed.LoadAndDelete(n); killed {
			rep.Killed = append(rep.Killed, TaskName(n))
		}
		for _, te := range taskErrors(err) {
			rep.NotStopped = append(rep.NotStopped, NotStopped{Service: n, Task: te.Task, Err: te.Err})
			var why error = te // a child task: its name says which
			if te.Task == TaskName(n) {
				why = te.Err
			}
			errs = append(errs, &ServiceError{Service: n, Err: why})
		}
	}
	return rep, errors.Join(errs...)
}

// taskErrors returns the *aioctl.TaskError values err joins (or is).
func taskErrors(err error) []*aioctl.TaskError {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*aioctl.TaskError
		for _, e := range j.Unwrap() {
			out = append(out, taskErrors(e)...)
		}
		return out
	}
	var te *aioctl.TaskError
	if errors.As(err, &te) {
		return []*aioctl.TaskError{te}
	}
	return nil
}

// noteKilled records that the command of the service running with ctx
// needed SIGKILL to stop (RunCommand), for Shutdown's report.
func noteKilled(ctx context.Context) {
	if m, name, ok := FromContext(ctx); ok {
		m.killed.Store(name, true)
	}
}
