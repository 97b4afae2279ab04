package aiolog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestHandlerJSON(t *testing.T) {
	r, log := newLogger(&HandlerOptions{JSON: true})
	log.With("k", 1).WithGroup("g").Info("hi \x1b \xff\"q\"", TaskKey, "job", "f", 1.5, "d", time.Second, "u", "\u202e")
	log.Info("plain", TaskKey, "job")
	got := texts(t, r, Query{})
	want := `{"time":"2015-01-01T00:00:19Z","logger":"pyb","level":"INFO","msg":"hi \u001b \ufffd\"q\"","k":1,"g.task":"job","g.f":1.5,"g.d":1000000000,"g.u":"\u202e"}`
	if got[0] != want {
		t.Fatalf("got  %s\nwant %s", got[0], want)
	}
	for _, l := range got {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	if tl := r.TaskLog("job", 0); len(tl) != 1 || !strings.Contains(tl[0], `"task":"job","msg":"plain"`) {
		t.Fatalf("TaskLog = %q", tl)
	}
}
