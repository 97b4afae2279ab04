package aioservice

import (
	"slices"
	"strings"
)

// This file is the dependency graph of services: the order Boot starts
// them in (levels by a depth-first walk; deps_index.go finds the names)
// and the cycles that forbid one (Tarjan's algorithm).
// It is internal: users see its answers through Manager.BootOrder, and
// its errors, *MissingError and *CycleError, through Boot and the config.

// depNode is one service in a dependency graph: its name, the services it
// requires (they must exist) and those it starts after (ignored when absent).
type depNode struct {
	Name     string
	Requires []string
	After    []string
}

// depPlan is a dependency order.
type depPlan struct {
	// Order lists every node after all of its dependencies, ties in input order.
	Order []string
	// Levels groups Order: the dependencies of a node in Levels[i] are all
	// in earlier levels, so the nodes of a level can start together.
	Levels [][]string
}

// MissingError is a dependency on a service that does not exist.
type MissingError struct {
	Service string // the service that requires it
	Missing string // the service that does not exist
}

// Error names the service and the dependency it lacks.
func (e *MissingError) Error() string {
	return TaskName(e.Service) + " requires " + TaskName(e.Missing) + ", which is not defined"
}

// CycleError is a set of services that depend on each other.
type CycleError struct {
	// Cycles holds each strongly connected set of services: Path is one
	// cycle through it ("a", "b", "a"), Members all of its services.
	Cycles []Cycle
}

// Cycle is one dependency cycle.
type Cycle struct {
	Path    []string
	Members []string
}

// Error names every member of the cycle.
func (e *CycleError) Error() string {
	var b strings.Builder
	b.WriteString("dependency cycle: ")
	for i, c := range e.Cycles {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.Join(c.Path, " -> "))
		if len(c.Members) > len(c.Path)-1 {
			b.WriteString(" (all of " + strings.Join(c.Members, ", ") + " depend on each other)")
		}
	}
	return b.String()
}

// within returns nodes with only the dependencies on nodes of the set:
// a service outside it (booted in another phase, not loaded, disabled,
// not defined) orders nothing. It edits nodes in place.
func within(nodes []depNode) []depNode {
	in := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		in[n.Name] = true
	}
	keep := func(ds []string) []string {
		var out []string
		for _, d := range ds {
			if in[d] {
				out = append(out, d)
			}
		}
		return out
	}
	for i := range nodes {
		nodes[i].Requires, nodes[i].After = keep(nodes[i].Requires), keep(nodes[i].After)
	}
	return nodes
}

// sortDeps returns the dependency order of nodes, in time linear in the
// number of nodes and edges. A required node that is not in nodes is a
// *MissingError; an "after" node that is not there is ignored; a cycle is
// a *CycleError naming every member.
//
// A node's level is one more than its dependencies' highest (0 without
// any): the levels Kahn's algorithm peels off, computed by a depth-first
// walk along each node's own dependency list instead. Kahn's needs the
// reverse edges, and building and walking them is a random write and a
// random read per edge across arrays that outgrow the cache at 100k
// services (issue 13: 16× the time per 10× more services). The walk reads
// each list in order and one level per edge.
func sortDeps(nodes []depNode) (*depPlan, error) {
	n := len(nodes)
	index := newNameIndex(nodes)
	// The dependencies of node i are deps[off[i]:off[i+1]].
	off := make([]int32, n+1)
	deps, err := index.resolve(nodes, off[1:])
	if err != nil {
		return nil, err
	}
	// level[i] is node i's level + 1 once known, 0 before, -1 while the
	// walk is inside it: meeting a -1 again is a cycle.
	level := make([]int32, n)
	type frame struct{ u, k, lv int32 }
	var stack []frame
	top := int32(0) // the highest level + 1
	for s := range int32(n) {
		if level[s] != 0 {
			continue
		}
		level[s] = -1
		stack = append(stack, frame{u: s, k: off[s], lv: 1})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.k < off[f.u+1] {
				j := deps[f.k]
				f.k++
				switch l := level[j]; {
				case l > 0:
					f.lv = max(f.lv, l+1)
				case l == 0:
					level[j] = -1
					stack = append(stack, frame{u: j, k: off[j], lv: 1})
				default:
					return nil, findCycles(nodes, index)
				}
				continue
			}
			u, lv := f.u, f.lv
			level[u] = lv
			top = max(top, lv)
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				p.lv = max(p.lv, lv+1)
			}
		}
	}
	// Ties in input order: a counting sort by level, reading nodes in
	// order and writing one stream per level.
	start := make([]int, top+1) // then: where each level starts in Order
	for _, l := range level {
		start[l]++ // counts level l-1 at l, so that the sums below start at 0
	}
	for k := 1; k <= int(top); k++ {
		start[k] += start[k-1]
	}
	bounds := make([]int, top) // where each level ends
	copy(bounds, start[1:])
	next := start[:top]
	p := &depPlan{Order: make([]string, n), Levels: make([][]string, top)}
	for i, l := range level {
		p.Order[next[l-1]] = nodes[i].Name
		next[l-1]++
	}
	lo := 0
	for i, hi := range bounds {
		p.Levels[i] = p.Order[lo:hi:hi]
		lo = hi
	}
	return p, nil
}

// findCycles reports the strongly connected components (Tarjan's
// algorithm, iterative) that are cycles: of more than one node, or one that
// depends on itself. sortDeps calls it once its walk has met a cycle. It
// walks every node: a node outside the cycles only leads to others outside
// them, so the cycles found, and their order, are those of a walk over the
// nodes Kahn's algorithm leaves unordered (as it was).
func findCycles(nodes []depNode, index *nameIndex) error {
	n := len(nodes)
	deps := func(i int32) []int32 {
		var out []int32
		for _, list := range [][]string{nodes[i].Requires, nodes[i].After} {
			for _, d := range list {
				if j, ok := index.get(d); ok {
					out = append(out, j)
				}
			}
		}
		return out
	}
	idx := make([]int32, n)
	low := make([]int32, n)
	on := make([]bool, n)
	for i := range idx {
		idx[i] = -1
	}
	var stack []int32
	var next int32
	var sccs [][]int32
	type frame struct {
		v    int32
		deps []int32
		k    int
	}
	for s := int32(0); s < int32(n); s++ {
		if idx[s] >= 0 {
			continue
		}
		call := []frame{{v: s, deps: deps(s)}}
		idx[s], low[s] = next, next
		next++
		stack = append(stack, s)
		on[s] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.k < len(f.deps) {
				w := f.deps[f.k]
				f.k++
				if idx[w] < 0 {
					idx[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					call = append(call, frame{v: w, deps: deps(w)})
				} else if on[w] && idx[w] < low[f.v] {
					low[f.v] = idx[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				if p := call[len(call)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == idx[v] {
				var scc []int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[w] = false
					scc = append(scc, w)
					if w == v {
						break
					}
				}
				self := false
				for _, d := range deps(v) {
					self = self || d == v
				}
				if len(scc) > 1 || self {
					sccs = append(sccs, scc)
				}
			}
		}
	}
	ce := &CycleError{}
	for _, scc := range sccs {
		slices.Sort(scc)
		in := make(map[int32]bool, len(scc))
		for _, v := range scc {
			in[v] = true
		}
		// The shortest cycle through the first member, by breadth-first search.
		startV := scc[0]
		prev := map[int32]int32{}
		queue := []int32{startV}
		var last int32 = -1
		for len(queue) > 0 && last < 0 {
			u := queue[0]
			queue = queue[1:]
			for _, w := range deps(u) {
				if !in[w] {
					continue
				}
				if w == startV {
					last = u
					break
				}
				if _, seen := prev[w]; !seen {
					prev[w] = u
					queue = append(queue, w)
				}
			}
		}
		var rev []string
		for v := last; v != startV; v = prev[v] {
			rev = append(rev, nodes[v].Name)
		}
		path := []string{nodes[startV].Name}
		for i := len(rev) - 1; i >= 0; i-- {
			path = append(path, rev[i])
		}
		path = append(path, nodes[startV].Name)
		members := make([]string, len(scc))
		for i, v := range scc {
			members[i] = nodes[v].Name
		}
		ce.Cycles = append(ce.Cycles, Cycle{Path: path, Members: members})
	}
	return ce
}
