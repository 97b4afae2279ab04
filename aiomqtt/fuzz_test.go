package aiomqtt

import (
	"errors"
	"testing"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
)

func FuzzHomieID(f *testing.F) {
	for _, s := range []string{"hello.service", "LED_blink", "a.b", "a_b", "a-2", "", "---", "Ünïcode", "x", "a..b", "-a", "9"} {
		f.Add(s, "a_b")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		id := fleet.HomieID(a)
		if !fleet.ValidID(id) || id[len(id)-1] == '-' {
			t.Fatalf("HomieID(%q) = %q: not a Homie id", a, id)
		}
		if fleet.HomieID(id) != id {
			t.Fatalf("HomieID is not idempotent: %q → %q → %q", a, id, fleet.HomieID(id))
		}
		names := []string{a, b, id, a + "_2", b + "-2"}
		ids, coll := fleet.AssignIDs(names)
		seen := map[string]string{}
		for n, id := range ids {
			if !fleet.ValidID(id) {
				t.Fatalf("AssignIDs gave %q the invalid id %q", n, id)
			}
			if other, dup := seen[id]; dup {
				t.Fatalf("%q and %q merged into %q", n, other, id)
			}
			seen[id] = n
		}
		distinct := map[string]bool{}
		for _, n := range names {
			distinct[n] = true
		}
		if len(ids) != len(distinct) {
			t.Fatalf("%d ids for %d names", len(ids), len(distinct))
		}
		for _, c := range coll {
			if ids[c.Name] != c.ID || ids[c.With] != c.Base || c.ID == c.Base {
				t.Fatalf("collision %+v does not match ids %v", c, ids)
			}
		}
		// The same set in another order gives the same ids.
		rev := []string{names[4], names[3], names[2], names[1], names[0]}
		ids2, _ := fleet.AssignIDs(rev)
		for n, id := range ids {
			if ids2[n] != id {
				t.Fatalf("order changed %q's id: %q vs %q", n, id, ids2[n])
			}
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{"status", "stop blink", `set args blink {"pin": 3}`, `{"argv": ["status"], "output": "json"}`,
		`{"line": "stop 'a b'"}`, `{"argv": []}`, "'", "\x00", `{"output": "xml"}`, `{"follow": "stop"}`, `{"follow": "stop", "line": "status"}`, "{", "stop \"\x1b\""} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(`{"argv": ["status"]}`), fleet.ContentJSON)
	f.Fuzz(func(t *testing.T, payload []byte, ctype string) {
		r, err := fleet.DecodeRequest(payload, ctype)
		argv := r.Argv
		if err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("error %v (%T) is not an *api.Error with a code", err, err)
			}
			if argv != nil {
				t.Fatalf("argv %q with an error", argv)
			}
			return
		}
		if r.StopFollow {
			if len(argv) != 0 {
				t.Fatalf("a stop with a command %q", argv)
			}
			return
		}
		if len(argv) == 0 || len(argv) > api.MaxArgs || len(payload) > fleet.MaxRequestBytes {
			t.Fatalf("accepted %q as %q", payload, argv)
		}
	})
}
