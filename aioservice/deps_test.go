package aioservice

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSortDepsOrderAndLevels(t *testing.T) {
	nodes := []depNode{
		{Name: "time", Requires: []string{"network"}},
		{Name: "app", Requires: []string{"time", "db"}},
		{Name: "network"},
		{Name: "db", After: []string{"network", "absent"}},
		{Name: "lone"},
	}
	p, err := sortDeps(nodes)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"network", "lone"}, {"time", "db"}, {"app"}}
	if fmt.Sprint(p.Levels) != fmt.Sprint(want) {
		t.Fatalf("levels = %v, want %v", p.Levels, want)
	}
	pos := map[string]int{}
	for i, n := range p.Order {
		pos[n] = i
	}
	for _, n := range nodes {
		for _, d := range append(n.Requires, n.After...) {
			if d != "absent" && pos[d] > pos[n.Name] {
				t.Errorf("%s comes before its dependency %s in %v", n.Name, d, p.Order)
			}
		}
	}
}

func TestSortDepsRingOf20(t *testing.T) {
	var nodes []depNode
	for i := range 20 {
		nodes = append(nodes, depNode{Name: fmt.Sprintf("s%02d", i), Requires: []string{fmt.Sprintf("s%02d", (i+1)%20)}})
	}
	nodes = append(nodes, depNode{Name: "outside", Requires: []string{"s05"}}) // blocked by the ring, not part of it
	_, err := sortDeps(nodes)
	var ce *CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CycleError", err)
	}
	if len(ce.Cycles) != 1 || len(ce.Cycles[0].Members) != 20 {
		t.Fatalf("cycles = %+v, want one of 20 members", ce.Cycles)
	}
	msg := err.Error()
	for i := range 20 {
		if !strings.Contains(msg, fmt.Sprintf("s%02d", i)) {
			t.Errorf("error %q does not name s%02d", msg, i)
		}
	}
	if strings.Contains(msg, "outside") {
		t.Errorf("error %q names a service that is not in the cycle", msg)
	}
	if !strings.HasPrefix(msg, "dependency cycle: s00 -> s01 -> s02") || !strings.HasSuffix(msg, "s19 -> s00") {
		t.Errorf("error = %q, want the ring in order", msg)
	}
}

func TestSortDepsSelfLoopAndTwoCycles(t *testing.T) {
	_, err := sortDeps([]depNode{
		{Name: "a", Requires: []string{"a"}},
		{Name: "b", After: []string{"c"}}, {Name: "c", Requires: []string{"b"}},
		{Name: "d"},
	})
	var ce *CycleError
	if !errors.As(err, &ce) || len(ce.Cycles) != 2 {
		t.Fatalf("err = %v, want two cycles", err)
	}
	if got := err.Error(); got != "dependency cycle: a -> a; b -> c -> b" {
		t.Errorf("err = %q", got)
	}
}

func TestSortDepsComplexSCCNamesAllMembers(t *testing.T) {
	// a->b->a and b->c->b: one strongly connected set {a,b,c}.
	_, err := sortDeps([]depNode{
		{Name: "a", Requires: []string{"b"}},
		{Name: "b", Requires: []string{"a", "c"}},
		{Name: "c", Requires: []string{"b"}},
	})
	var ce *CycleError
	if !errors.As(err, &ce) || len(ce.Cycles) != 1 || !slices.Equal(ce.Cycles[0].Members, []string{"a", "b", "c"}) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "a, b, c") {
		t.Errorf("err = %q, want every member named", err)
	}
}

func TestSortDepsMissing(t *testing.T) {
	_, err := sortDeps([]depNode{{Name: "time", Requires: []string{"network"}}})
	var me *MissingError
	if !errors.As(err, &me) || me.Service != "time" || me.Missing != "network" {
		t.Fatalf("err = %v", err)
	}
	if err.Error() != "time.service requires network.service, which is not defined" {
		t.Errorf("err = %q", err)
	}
}

// graph returns n services with about k dependencies each, on earlier ones.
func graph(n, k int) []depNode {
	nodes := make([]depNode, n)
	seed := uint64(1)
	for i := range nodes {
		nodes[i].Name = fmt.Sprintf("svc%06d", i)
		if i == 0 {
			continue
		}
		for range k {
			seed = seed*6364136223846793005 + 1442695040888963407
			nodes[i].Requires = append(nodes[i].Requires, nodes[int(seed>>33)%i].Name)
		}
	}
	return nodes
}

// BenchmarkBootOrder orders 1k, 10k and 100k services with about five
// dependencies each. Besides ns/op it reports cpu-ns/op, the process's CPU
// time per order, which a busy machine disturbs less: the step ratios of
// issue 13 (≤ 12× per 10× more services) are read from it.
func BenchmarkBootOrder(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		nodes := graph(n, 5)
		b.Run(fmt.Sprintf("services=%d/edges=%d", n, 5*(n-1)), func(b *testing.B) {
			b.ReportAllocs()
			c0, ok := cpuTime()
			for b.Loop() {
				if _, err := sortDeps(nodes); err != nil {
					b.Fatal(err)
				}
			}
			if c1, ok1 := cpuTime(); ok && ok1 {
				b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// On random graphs every level lists its services in config order, and a
// service sits one level after its latest dependency: the order Boot
// follows does not depend on how it is computed.
func TestBootOrderLevelsKeepConfigOrder(t *testing.T) {
	for _, n := range []int{1, 2, 50, 3000} {
		nodes := graph(n, 3)
		pos := make(map[string]int, n)
		for i, nd := range nodes {
			pos[nd.Name] = i
		}
		p, err := sortDeps(nodes)
		if err != nil {
			t.Fatal(err)
		}
		level := make(map[string]int, n)
		seen := 0
		for k, l := range p.Levels {
			for j, name := range l {
				level[name] = k
				if j > 0 && pos[l[j-1]] >= pos[name] {
					t.Fatalf("n=%d level %d: %s before %s, against config order", n, k, l[j-1], name)
				}
				if p.Order[seen] != name {
					t.Fatalf("n=%d: Order[%d] = %s, level lists %s", n, seen, p.Order[seen], name)
				}
				seen++
			}
		}
		if seen != n {
			t.Fatalf("n=%d: %d services ordered", n, seen)
		}
		for _, nd := range nodes {
			want := 0
			for _, d := range nd.Requires {
				want = max(want, level[d]+1)
			}
			if level[nd.Name] != want {
				t.Fatalf("n=%d: %s at level %d, want %d", n, nd.Name, level[nd.Name], want)
			}
		}
	}
}
