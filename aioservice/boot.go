package aioservice

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// Boot runs the loaded, enabled core services in dependency order and
// waits for each: a core service starts once every service it requires is
// up, independent ones run in parallel, and one whose required service
// failed does not start (it shows why). It prints the seed's lines:
//
//	[ OK ] Priority core services solved...
//	[ Booting ] Order: --> network --> time
//	[ OK ] Booting network.service...
//
// The error joins the services that failed or did not start; a dependency
// cycle is a *CycleError and starts nothing. A service that did not start
// because a service it requires was not up starts late, once all it
// requires is up (a core service ended Done, another is Running), for
// instance when the watcher restarts a failed core service.
func (m *Manager) Boot(ctx context.Context) error { return m.up(ctx, true) }

// Init starts the loaded, enabled services that are not core services, in
// dependency order: runtime services are started, schedule services are
// handed to the scheduler. A required core service must have been booted.
func (m *Manager) Init(ctx context.Context) error { return m.up(ctx, false) }

// Up loads every enabled service with the config file, boots the core
// services and initialises the others: what a program does at start. A bad
// config file stops it at once; a service that fails does not stop the others.
func (m *Manager) Up(ctx context.Context) error {
	err := m.LoadAll(ctx, true)
	var ce *ConfigError
	if errors.As(err, &ce) {
		return err
	}
	return errors.Join(err, m.Boot(ctx), m.Init(ctx))
}

type outcome struct {
	i      int
	ok     bool
	reason string
	lines  []string // printed by the boot loop, so that lines never interleave
}

// BootOrder is the order Boot and Init start services in.
type BootOrder struct {
	// Core lists the core services Boot starts, each after the services
	// it depends on.
	Core []string `json:"core"`
	// Others lists the runtime and schedule services Init starts.
	Others []string `json:"others"`
	// Levels groups Core, then Others, into steps: a service depends on
	// none of its own step or a later one, so those of a step start
	// together.
	Levels [][]string `json:"levels"`
}

// BootOrder returns the order Boot and Init would start the services in
// now: the loaded, enabled services, core services first. As in Boot, a
// dependency on a service outside a phase (of the other phase, disabled,
// not loaded) orders nothing. A dependency cycle is a *CycleError.
// Boot follows this order; the control verb "boot order" shows it.
func (m *Manager) BootOrder() (BootOrder, error) {
	bo := BootOrder{Core: []string{}, Others: []string{}, Levels: [][]string{}}
	for _, core := range []bool{true, false} {
		m.mu.Lock()
		sel := m.phaseLocked(core)
		m.mu.Unlock()
		plan, err := sortDeps(graphOf(sel))
		if err != nil {
			return BootOrder{}, err
		}
		if core {
			bo.Core = plan.Order
		} else {
			bo.Others = plan.Order
		}
		bo.Levels = append(bo.Levels, plan.Levels...)
	}
	return bo, nil
}

// phaseLocked returns the services Boot (core) or Init (!core) starts:
// the loaded, enabled ones of the phase, in load order. m.mu is held.
func (m *Manager) phaseLocked(core bool) []*entry {
	var sel []*entry
	for _, n := range m.order {
		e := m.entries[n]
		if e.state == Loaded && e.st.Enabled && (e.st.Type == Core) == core {
			sel = append(sel, e)
		}
	}
	return sel
}

// graphOf returns the dependency graph of the services in sel, with only
// the dependencies inside sel.
func graphOf(sel []*entry) []depNode {
	nodes := make([]depNode, len(sel))
	for i, e := range sel {
		nodes[i] = depNode{Name: e.name, Requires: e.st.Requires, After: e.st.After}
	}
	return within(nodes)
}

func (m *Manager) up(ctx context.Context, core bool) error {
	m.mu.Lock()
	sel := m.phaseLocked(core)
	m.mu.Unlock()
	_, err := m.startSet(ctx, core, sel)
	return err
}

// startSet starts the services of sel (all of one phase) in dependency
// order, as Boot or Init does, and returns the names of those that came up.
func (m *Manager) startSet(ctx context.Context, core bool, sel []*entry) ([]string, error) {
	if len(sel) == 0 {
		return nil, nil
	}
	idx := make(map[string]int, len(sel))
	for i, e := range sel {
		idx[e.name] = i
	}
	nodes := graphOf(sel)
	// A service that requires one outside the phase starts only if that
	// one is up already.
	blocked := make([]string, len(sel))
	for i, e := range sel {
		for _, d := range e.st.Requires {
			if _, in := idx[d]; in {
				continue
			}
			if ok, why := m.ready(d); !ok {
				blocked[i] = "requires " + TaskName(d) + ", which " + why
				break
			}
		}
	}
	plan, err := sortDeps(nodes)
	if err != nil {
		m.printf("[ ERROR ] Services not started: %v", err)
		return nil, err
	}
	if core {
		m.printf("[ OK ] Priority core services solved...")
		m.printf("[ Booting ] Order: --> %s", strings.Join(plan.Order, " --> "))
	}
	n := len(sel)
	indeg := make([]int, n)
	type dep struct {
		i        int
		required bool
	}
	dependents := make([][]dep, n)
	for i := range nodes {
		for _, d := range nodes[i].Requires {
			dependents[idx[d]] = append(dependents[idx[d]], dep{i, true})
			indeg[i]++
		}
		for _, d := range nodes[i].After {
			dependents[idx[d]] = append(dependents[idx[d]], dep{i, false})
			indeg[i]++
		}
	}
	done := make(chan outcome, n)
	running := 0
	var errs []error
	var started []string
	var settle func(o outcome)
	launch := func(i int) {
		if blocked[i] != "" {
			m.setNote(sel[i], "not started: "+blocked[i])
			m.wait(sel[i].name)
			m.printf("[ ERROR ] %s not started: %s", TaskName(sel[i].name), blocked[i])
			errs = append(errs, &ServiceError{Service: sel[i].name, Err: errors.New("not started: " + blocked[i])})
			settle(outcome{i: i, ok: false, reason: "did not start"})
			return
		}
		running++
		if sel[i].st.Type == Core {
			m.printf("[ OK ] Booting %s...", TaskName(sel[i].name))
		}
		go func() { done <- m.startOne(ctx, sel[i], i) }()
	}
	settle = func(o outcome) {
		for _, d := range dependents[o.i] {
			if !o.ok && d.required && blocked[d.i] == "" {
				blocked[d.i] = "requires " + TaskName(sel[o.i].name) + ", which " + o.reason
			}
			indeg[d.i]--
			if indeg[d.i] == 0 {
				launch(d.i)
			}
		}
	}
	for _, i := range levelZero(indeg) {
		launch(i)
	}
	for running > 0 {
		var o outcome
		select {
		case o = <-done:
		case <-ctx.Done():
			return started, ctx.Err() // the goroutines still running end with ctx
		}
		running--
		for _, l := range o.lines {
			m.printf("%s", l)
		}
		if !o.ok {
			errs = append(errs, &ServiceError{Service: sel[o.i].name, Err: errors.New(o.reason)})
		} else {
			started = append(started, sel[o.i].name)
		}
		settle(o)
	}
	return started, errors.Join(errs...)
}

func levelZero(indeg []int) []int {
	var out []int
	for i, d := range indeg {
		if d == 0 {
			out = append(out, i)
		}
	}
	return out
}

func (m *Manager) setNote(e *entry, note string) {
	m.mu.Lock()
	e.note = note
	m.mu.Unlock()
}

// ready reports whether the service named name is up, for a service that
// requires it from outside the set being started, and if not, why.
func (m *Manager) ready(name string) (bool, string) {
	m.mu.Lock()
	e := m.entries[name]
	var sched bool
	var note string
	if e != nil {
		sched, note = e.sched, e.note
	}
	m.mu.Unlock()
	switch {
	case e == nil:
		if _, ok := m.definition(name, m.config()); !ok {
			return false, "is not defined"
		}
		return false, "is not loaded"
	case e.state == Failed:
		return false, "failed to load"
	case !e.st.Enabled:
		return false, "is disabled"
	}
	st := e.task.State()
	switch {
	case e.st.Type == Core && st == aioctl.Done:
		return true, ""
	case st == aioctl.Scheduled && note != "" && !sched:
		// Boot or Init kept it from starting: say why.
		return false, "did not start (" + strings.TrimPrefix(note, "not started: ") + ")"
	case e.st.Type == Core && st == aioctl.Scheduled:
		return false, "has not been booted"
	case st.Active() && e.task.DeclaresReadiness() && !e.task.IsReady():
		return false, "is not ready yet"
	case e.st.Type == Core && st == aioctl.Running && e.task.DeclaresReadiness():
		return true, "" // ready (above): a core service that declares readiness is up once ready
	case e.st.Type != Core && (st.Active() || sched):
		return true, ""
	case st == aioctl.Error || st == aioctl.GaveUp:
		if err := e.task.Err(); err != nil {
			return false, "failed: " + describe(err)
		}
		return false, "failed"
	}
	return false, "is " + st.String()
}

// startOne starts one service and, for a core service, waits until it
// returns. It runs on a goroutine of its own; its lines are in the outcome.
func (m *Manager) startOne(ctx context.Context, e *entry, i int) outcome {
	tn := TaskName(e.name)
	m.mu.Lock()
	e.note = ""
	delete(m.waiting, e.name)
	m.mu.Unlock()
	fail := func(reason, format string, args ...any) outcome {
		return outcome{i: i, reason: reason, lines: []string{fmt.Sprintf(format, args...)}}
	}
	switch e.st.Type {
	case Core:
		if _, err := e.task.Start(); err != nil {
			return fail("failed to start", "[ ERROR ] %s: %v", tn, err)
		}
		if e.task.DeclaresReadiness() { // up once ready (ready.go)
			if o, ok := m.awaitReady(ctx, e, i); !ok {
				return o
			}
			return outcome{i: i, ok: true, lines: []string{fmt.Sprintf("[ OK ] %s ready", tn)}}
		}
		select {
		case <-e.task.Done():
		case <-ctx.Done():
			return fail("was interrupted", "[ ERROR ] %s: boot interrupted", tn)
		}
		switch st := e.task.State(); st {
		case aioctl.Done:
			o := outcome{i: i, ok: true}
			if r := e.task.Result(); r != nil && fmt.Sprint(r) != "" {
				o.lines = []string{fmt.Sprintf("[ OK ] %s %v", tn, r)}
			}
			return o
		case aioctl.Error, aioctl.GaveUp:
			return fail("failed", "[ ERROR ] %s failed: Error: %s", tn, describe(e.task.Err()))
		default:
			return fail("was "+st.String(), "[ ERROR ] %s %s", tn, st)
		}
	case Schedule:
		s, err := m.scheduler()
		if err == nil {
			err = s.Schedule(tn, *e.st.spec)
		}
		if err != nil {
			return fail("could not be scheduled", "[ ERROR ] Scheduling %s: %v", tn, err)
		}
		m.mu.Lock()
		e.sched = true
		m.mu.Unlock()
		return outcome{i: i, ok: true, lines: []string{fmt.Sprintf("[ OK ] Scheduling %s: %s", tn, e.st.spec)}}
	default:
		if _, err := e.task.Start(); err != nil {
			return fail("failed to start", "[ ERROR ] Starting %s: %v", tn, err)
		}
		if o, ok := m.awaitReady(ctx, e, i); !ok { // ready.go
			return o
		}
		return outcome{i: i, ok: true, lines: []string{fmt.Sprintf("[ OK ] Starting %s...", tn)}}
	}
}

func (m *Manager) scheduler() (Scheduler, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sched == nil {
		m.owned = aioschedule.New(m.g)
		m.sched = m.owned
	}
	return m.sched, nil
}

// Stop stops the loaded services in reverse dependency order: a service
// stops before the services it requires or starts after; those of one
// level stop together. Schedule services are unscheduled first.
func (m *Manager) Stop(ctx context.Context) error {
	m.mu.Lock()
	var sel []*entry
	for _, n := range m.order {
		if e := m.entries[n]; e.task != nil {
			sel = append(sel, e)
		}
	}
	sched := m.sched
	m.mu.Unlock()
	idx := make(map[string]*entry, len(sel))
	for _, e := range sel {
		idx[e.name] = e
	}
	levels := [][]string{}
	if plan, err := sortDeps(graphOf(sel)); err == nil {
		levels = plan.Levels
	} else { // cannot happen for a validated config; stop in reverse load order
		for _, e := range sel {
			levels = append(levels, []string{e.name})
		}
	}
	m.mu.Lock()
	clear(m.waiting) // stopped services start with the next Boot or Init, not late
	m.mu.Unlock()
	var errs []error
	for i := len(levels) - 1; i >= 0; i-- {
		var names []string
		for _, n := range levels[i] {
			e := idx[n]
			m.mu.Lock()
			wasSched := e.sched
			e.sched = false
			m.mu.Unlock()
			if wasSched && sched != nil {
				sched.Unschedule(TaskName(n))
			}
			names = append(names, m.taskNames(e)...)
		}
		if _, err := m.g.Stop(ctx, names...); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close stops the services (see Stop), closes the scheduler the manager
// created, if any, and takes the manager out of the group: its watches
// end and status no longer asks it for service headers, so a closed
// manager can be collected while the group lives on.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	unwatch, unwatchDel := m.unwatch, m.unwatchDel
	m.unwatch, m.unwatchDel = nil, nil
	m.mu.Unlock()
	if unwatch != nil {
		unwatch()
	}
	if unwatchDel != nil {
		unwatchDel()
	}
	m.late.Wait()
	err := m.Stop(ctx)
	m.mu.Lock()
	owned := m.owned
	m.owned = nil
	m.mu.Unlock()
	if owned != nil {
		owned.Close()
	}
	m.unextend() // the group's status forgets the manager (idempotent)
	return err
}
