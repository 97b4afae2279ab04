package aioservice

import (
	"strconv"
	"testing"
)

// The boot order's name index finds every service by name, finds no
// other name, and (as the map it replaced) lets the last of two services
// with one name win.
func TestNameIndexFindsEachNameOnce(t *testing.T) {
	nodes := make([]depNode, 5000)
	for i := range nodes {
		nodes[i].Name = "svc" + strconv.Itoa(i)
	}
	nodes[4999].Name = "svc7" // a duplicate: the later one wins
	x := newNameIndex(nodes)
	for i := range 4999 {
		want := int32(i)
		if i == 7 {
			want = 4999
		}
		if got, ok := x.get("svc" + strconv.Itoa(i)); !ok || got != want {
			t.Fatalf("get(svc%d) = %d, %v; want %d", i, got, ok, want)
		}
	}
	for _, name := range []string{"", "svc", "svc4999", "svc-1", "SVC1"} {
		if got, ok := x.get(name); ok {
			t.Fatalf("get(%q) = %d, want not found", name, got)
		}
	}
	if _, ok := newNameIndex(nil).get("a"); ok {
		t.Fatal("empty index found a name")
	}
}
