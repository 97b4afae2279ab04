package aioctl

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
)

// A group's members: adding a task (its order and unique name) and
// finding tasks by name or pattern.

// add adds a task configured by c that runs r; t, when not nil, is the
// zero Task to use (allocated with its runner, as Add does).
func (g *Group) add(t *Task, c taskConfig, r runner) *Task {
	if t == nil {
		t = new(Task)
	}
	t.g, t.r, t.x = g, r, newTaskExtra(c)
	g.addReadiness(t, c) // ready.go
	g.mu.Lock()
	t.name = g.uniqueNameLocked(c.name) // c.name or c.name_N
	t.addedLen = uint32(len(c.name))
	g.tasks[t.name] = t
	g.seq++
	t.seq = g.seq
	g.linkLocked(t)
	g.mu.Unlock()
	return t
}

// addStarted adds the task and starts it, unless the config defers it.
func (g *Group) addStarted(t *Task, c taskConfig, r runner) *Task {
	t = g.add(t, c, r)
	if !c.deferred {
		t.start(CauseUser)
	}
	return t
}

// linkLocked puts t at the end of the group's order.
func (g *Group) linkLocked(t *Task) {
	t.prev, t.next = g.tail, nil
	if g.tail != nil {
		g.tail.next = t
	} else {
		g.head = t
	}
	g.tail = t
}

// unlinkLocked takes t out of the group's order, in O(1).
func (g *Group) unlinkLocked(t *Task) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		g.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		g.tail = t.prev
	}
	t.prev, t.next = nil, nil
}

// allLocked returns every task in the group's order.
func (g *Group) allLocked() []*Task {
	all := make([]*Task, 0, len(g.tasks))
	for t := g.head; t != nil; t = t.next {
		all = append(all, t)
	}
	return all
}

// uniqueNameLocked returns name, or name_N with the lowest N not taken
// since the last time. Candidates are built in a stack buffer (a map
// lookup by string(bytes) does not allocate), so only the name kept costs
// an allocation.
func (g *Group) uniqueNameLocked(name string) string {
	if _, taken := g.tasks[name]; !taken {
		return name
	}
	n := g.suffix[name] // a pointer: the count goes up without a second lookup
	if n == nil {
		n = new(int)
		g.suffix[name] = n
	}
	var buf [64]byte
	b := append(append(buf[:0], name...), '_')
	for {
		*n++
		cand := strconv.AppendInt(b, int64(*n), 10)
		if _, taken := g.tasks[string(cand)]; !taken {
			return string(cand)
		}
	}
}

// Get returns the task with exactly this name.
func (g *Group) Get(name string) (*Task, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	t, ok := g.tasks[name]
	return t, ok
}

// Names returns the names of all tasks, whatever their state, in the
// order they were added; Active returns only the running ones.
func (g *Group) Names() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	names := make([]string, 0, len(g.tasks))
	for t := g.head; t != nil; t = t.next {
		names = append(names, t.name)
	}
	return names
}

// Active returns the tasks whose goroutine is running (running, waiting
// to restart or stopping: State.Active), in the order they were added,
// like the seed's tasks(); Names lists every task.
func (g *Group) Active() []*Task {
	g.mu.RLock()
	all := g.allLocked()
	g.mu.RUnlock()
	var active []*Task
	for _, t := range all {
		if t.State().Active() {
			active = append(active, t)
		}
	}
	return active
}

// Find returns the tasks that match any of the names or '*' patterns, in
// the group's order, each once; no pattern at all means every task. The
// error joins a *NotFoundError for each name or pattern that matched nothing.
func (g *Group) Find(patterns ...string) ([]*Task, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if len(patterns) == 0 {
		return g.allLocked(), nil
	}
	var errs []error
	var found []*Task
	seen := make(map[*Task]bool)
	hit := make([]bool, len(patterns))
	scan := false // a pattern: walk the whole group
	for i, p := range patterns {
		if !IsPattern(p) {
			if t, ok := g.tasks[p]; ok {
				hit[i] = true
				if !seen[t] {
					seen[t] = true
					found = append(found, t)
				}
			}
			continue
		}
		scan = true
		for t := g.head; t != nil; t = t.next {
			if Match(p, t.name) {
				hit[i] = true
				seen[t] = true
			}
		}
	}
	if scan {
		found = found[:0]
		for t := g.head; t != nil; t = t.next {
			if seen[t] {
				found = append(found, t)
			}
		}
	} else {
		// Names only: no walk of the group (Delete of one task is O(1));
		// the group's order is the order of adding.
		slices.SortFunc(found, func(a, b *Task) int { return cmp.Compare(a.seq, b.seq) })
	}
	for i, p := range patterns {
		if !hit[i] {
			errs = append(errs, &NotFoundError{Pattern: p})
		}
	}
	return found, errors.Join(errs...)
}

func names(ts []*Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.name
	}
	return out
}
