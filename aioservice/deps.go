package aioservice

import (
	"slices"
	"strings"
)

// This file is the dependency graph of services: the order Boot starts
// them in (Kahn's algorithm) and the cycles that forbid one (Tarjan's).
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

// sortDeps returns the dependency order of nodes by Kahn's algorithm, in
// time linear in the number of nodes and edges. A required node that is
// not in nodes is a *MissingError; an "after" node that is not there is
// ignored; a cycle is a *CycleError naming every member.
func sortDeps(nodes []depNode) (*depPlan, error) {
	n := len(nodes)
	index := make(map[string]int32, n)
	for i := range nodes {
		index[nodes[i].Name] = int32(i)
	}
	// CSR adjacency: for each node, the nodes that depend on it. The
	// first pass looks each name up once and remembers the index.
	indeg := make([]int32, n)
	count := make([]int32, n+1)
	total := 0
	for i := range nodes {
		total += len(nodes[i].Requires) + len(nodes[i].After)
	}
	deps := make([]int32, 0, total) // per node in order: the indices of its dependencies
	for i := range nodes {
		for _, d := range nodes[i].Requires {
			j, ok := index[d]
			if !ok {
				return nil, &MissingError{Service: nodes[i].Name, Missing: d}
			}
			deps = append(deps, j)
		}
		for _, d := range nodes[i].After {
			if j, ok := index[d]; ok {
				deps = append(deps, j)
			}
		}
		indeg[i] = int32(len(deps))
	}
	for i := n - 1; i > 0; i-- { // indeg held running totals
		indeg[i] -= indeg[i-1]
	}
	for _, j := range deps {
		count[j+1]++
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	adj := make([]int32, len(deps))
	fill := make([]int32, n)
	copy(fill, count[:n])
	k := 0
	for i := range nodes {
		for range indeg[i] {
			j := deps[k]
			k++
			adj[fill[j]] = int32(i)
			fill[j]++
		}
	}
	order := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			order = append(order, int32(i))
		}
	}
	var bounds []int // level boundaries in order
	start := 0
	for start < len(order) {
		end := len(order)
		bounds = append(bounds, end)
		for _, u := range order[start:end] {
			for _, v := range adj[count[u]:count[u+1]] {
				indeg[v]--
				if indeg[v] == 0 {
					order = append(order, v)
				}
			}
		}
		start = end
	}
	if len(order) < n {
		return nil, findCycles(nodes, index, indeg)
	}
	// Ties in input order: a counting sort by level, linear where sorting
	// each level was n log n. indeg (all zero now) holds each node's level,
	// fill the new order.
	lo := 0
	for k, hi := range bounds {
		for _, u := range order[lo:hi] {
			indeg[u] = int32(k)
		}
		lo = hi
	}
	next := make([]int, len(bounds)) // where the next node of each level goes
	for k := 1; k < len(bounds); k++ {
		next[k] = bounds[k-1]
	}
	for i := range n {
		k := indeg[i]
		fill[next[k]] = int32(i)
		next[k]++
	}
	order = fill
	p := &depPlan{Order: make([]string, n), Levels: make([][]string, len(bounds))}
	for i, u := range order {
		p.Order[i] = nodes[u].Name
	}
	lo = 0
	for i, hi := range bounds {
		p.Levels[i] = p.Order[lo:hi:hi]
		lo = hi
	}
	return p, nil
}

// findCycles reports the strongly connected components (Tarjan's
// algorithm, iterative) among the nodes Kahn's algorithm could not order.
func findCycles(nodes []depNode, index map[string]int32, indeg []int32) error {
	n := len(nodes)
	left := func(i int32) bool { return indeg[i] > 0 }
	deps := func(i int32) []int32 {
		var out []int32
		for _, list := range [][]string{nodes[i].Requires, nodes[i].After} {
			for _, d := range list {
				if j, ok := index[d]; ok && left(j) {
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
		if !left(s) || idx[s] >= 0 {
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
