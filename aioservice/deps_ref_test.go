package aioservice

import (
	"fmt"
	"slices"
	"testing"
)

// sortDeps returns the dependency order of nodes by Kahn's algorithm, in
// time linear in the number of nodes and edges. A required node that is
// not in nodes is a *MissingError; an "after" node that is not there is
// ignored; a cycle is a *CycleError naming every member.
func sortDepsKahn(nodes []depNode) (*depPlan, error) {
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
		return nil, findCyclesKahn(nodes, index, indeg)
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
func findCyclesKahn(nodes []depNode, index map[string]int32, indeg []int32) error {
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

// randomGraph returns n services with up to k dependencies each on any
// service (cycles likely when loops is set), some "after", some missing.
func randomGraph(seed uint64, n, k int, loops, missing bool) []depNode {
	next := func(m int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % m
	}
	nodes := make([]depNode, n)
	for i := range nodes {
		nodes[i].Name = fmt.Sprintf("s%d", i)
	}
	for i := range nodes {
		for range next(k + 1) {
			j := next(n)
			if !loops && i > 0 {
				j = next(i)
			} else if !loops {
				continue
			}
			name := nodes[j].Name
			if missing && next(50) == 0 {
				name = "absent" + name
			}
			if next(3) == 0 {
				nodes[i].After = append(nodes[i].After, name)
			} else {
				nodes[i].Requires = append(nodes[i].Requires, name)
			}
		}
	}
	return nodes
}

// Boot order and its errors are those of Kahn's algorithm, exactly: the
// same order, the same levels, the same cycles named in the same words.
func TestSortDepsMatchesKahn(t *testing.T) {
	outcomes := map[string]int{}
	for seed := range uint64(400) {
		n := 1 + int(seed%37)
		if seed%50 == 0 {
			n = 2000
		}
		nodes := randomGraph(seed, n, 3, seed%3 == 0, seed%5 == 0)
		got, gerr := sortDeps(slices.Clone(nodes))
		want, werr := sortDepsKahn(slices.Clone(nodes))
		if fmt.Sprint(gerr) != fmt.Sprint(werr) || fmt.Sprintf("%T", gerr) != fmt.Sprintf("%T", werr) {
			t.Fatalf("seed %d: err = %v, want %v", seed, gerr, werr)
		}
		if gerr == nil && (!slices.Equal(got.Order, want.Order) || fmt.Sprint(got.Levels) != fmt.Sprint(want.Levels)) {
			t.Fatalf("seed %d: plan = %v, want %v", seed, got.Levels, want.Levels)
		}
		outcomes[fmt.Sprintf("%T", gerr)]++
	}
	for _, kind := range []string{"<nil>", "*aioservice.CycleError", "*aioservice.MissingError"} {
		if outcomes[kind] < 20 {
			t.Errorf("only %d graphs end in %s (%v): the comparison misses a case", outcomes[kind], kind, outcomes)
		}
	}
}

// Boot order's cost per service does not grow with the number of services
// (issue 13: linear to 100k), held without timing: the allocations of one
// order are the same few for 1k and 100k services (the map of names it
// used grew by ~270 allocations at 100k), and looking a name up reads
// about one slot of the name table at every size.
func TestSortDepsCostPerServiceIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("orders 100k services")
	}
	var allocs []float64
	for _, n := range []int{1_000, 100_000} {
		nodes := graph(n, 5)
		allocs = append(allocs, testing.AllocsPerRun(2, func() {
			if _, err := sortDeps(nodes); err != nil {
				t.Fatal(err)
			}
		}))
		x := newNameIndex(nodes)
		x.probes = 0
		if _, err := x.resolve(nodes, make([]int32, n)); err != nil {
			t.Fatal(err)
		}
		if per := float64(x.probes) / float64(5*(n-1)); per > 2 {
			t.Errorf("%d services: %.2f slots read per dependency, want ≤ 2", n, per)
		}
	}
	if allocs[1] > allocs[0] {
		t.Errorf("allocations per boot order: %v for 1k services, %v for 100k: they grow with the graph", allocs[0], allocs[1])
	}
}
