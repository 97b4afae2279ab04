package fleet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// HomieID maps a task, service or device name to a Homie 5 id: Homie ids
// may hold only a-z, 0-9 and '-' and may not start with '-'. The rule:
//
//   - letters are lower-cased;
//   - every run of other characters ('.', '_', ':', '@', '+', space, any
//     non-ASCII byte…) becomes one '-';
//   - leading and trailing '-' are dropped;
//   - a name with nothing left maps to "x".
//
// So "hello.service" is "hello-service", "LED_blink" is "led-blink" and
// "world_task" is "world-task". The rule is not one to one ("a.b" and
// "a_b" both give "a-b"): AssignIDs settles such collisions.
func HomieID(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	dash := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteByte(c)
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// ValidID reports whether id is a Homie 5 id: not empty, only a-z, 0-9
// and '-', not starting with '-'.
func ValidID(id string) bool {
	if id == "" || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Collision says that two names map to the same Homie id: Name, the
// later in sorted order, got ID instead, a suffixed one.
type Collision struct {
	Name, With string // Name collided with With, which kept Base
	Base, ID   string
}

func (c Collision) String() string {
	return fmt.Sprintf("%q and %q both map to Homie id %q: %q is published as %q", c.With, c.Name, c.Base, c.Name, c.ID)
}

// AssignIDs gives every name its Homie id (HomieID) and settles
// collisions: names are taken in sorted order; the first to claim an id
// keeps it, each later one gets the id with the first free suffix "-2",
// "-3"… and a Collision that says so. Two tasks are never merged into one
// node. The result is the same for the same set of names whatever their
// order. Duplicate names are given once.
func AssignIDs(names []string) (ids map[string]string, collisions []Collision) {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	ids = make(map[string]string, len(sorted))
	owner := make(map[string]string, len(sorted))
	// The plain ids first, so that a name whose id is "a-2" by the rule
	// is never pushed aside by a suffixed one.
	for _, n := range sorted {
		base := HomieID(n)
		if _, taken := owner[base]; !taken {
			owner[base] = n
			ids[n] = base
		}
	}
	for _, n := range sorted {
		if _, ok := ids[n]; ok {
			continue
		}
		base := HomieID(n)
		id := base
		for i := 2; ; i++ {
			id = base + "-" + strconv.Itoa(i)
			if _, taken := owner[id]; !taken {
				break
			}
		}
		owner[id] = n
		ids[n] = id
		collisions = append(collisions, Collision{Name: n, With: owner[base], Base: base, ID: id})
	}
	return ids, collisions
}
