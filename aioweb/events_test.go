package aioweb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control/api"
)

func decodeStatus(t testing.TB, e event) map[string]api.TaskStatus {
	t.Helper()
	if e.name != "status" {
		t.Fatalf("event %q, want status: %s", e.name, e.data)
	}
	var ts []api.TaskStatus
	if err := json.Unmarshal([]byte(e.data), &ts); err != nil {
		t.Fatal(err)
	}
	m := map[string]api.TaskStatus{}
	for _, s := range ts {
		m[s.Name] = s
	}
	return m
}

// The status stream sends a snapshot, then one after each change; a
// browser reconnecting with the id of what it shows gets the next change,
// not the same snapshot again.
func TestStatusEvents(t *testing.T) {
	f := newFixture(t)
	s := f.stream(t, "/events", "")
	first := s.next(t)
	if got := decodeStatus(t, first)["blink"].State; got != "running" {
		t.Fatalf("first snapshot: blink %s", got)
	}
	if strings.Contains(first.data, "<script>") || !strings.Contains(first.data, `\u003cscript\u003e`) {
		t.Errorf("the task name is not escaped in the stream: %s", first.data)
	}
	f.exec(t, "stop", "blink")
	var e event
	for { // the stop is one change or more (stopping, stopped)
		e = s.next(t)
		if decodeStatus(t, e)["blink"].State == "stopped" {
			break
		}
	}
	if e.id == first.id {
		t.Errorf("same id %q after a change", e.id)
	}
	s.close()

	s2 := f.stream(t, "/events", e.id) // as EventSource reconnects
	f.exec(t, "start", "blink")
	for {
		e2 := s2.next(t)
		if e2.id == e.id {
			t.Fatalf("snapshot %s sent again on reconnect", e.id)
		}
		if decodeStatus(t, e2)["blink"].State == "running" {
			break
		}
	}
	// An id of another program (or none) gets the snapshot at once.
	s3 := f.stream(t, "/events", "otherepoch."+strings.SplitN(e.id, ".", 2)[1])
	if decodeStatus(t, s3.next(t))["blink"].State != "running" {
		t.Error("no fresh snapshot for a foreign id")
	}
}

func decodeLine(t testing.TB, e event) api.Event {
	t.Helper()
	if e.name != "line" {
		t.Fatalf("event %q, want line: %s", e.name, e.data)
	}
	var ev api.Event
	if err := json.Unmarshal([]byte(e.data), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// The log stream is follow's: the grep and level filters hold, HTML in a
// line stays JSON-escaped, a bad pattern is refused with the verb's words.
func TestLogEvents(t *testing.T) {
	f := newFixture(t)
	s := f.stream(t, "/log/events?grep=LED", "")
	if ev := decodeLine(t, s.next(t)); !strings.Contains(ev.Text, "LED toggled") || ev.Task != "blink" {
		t.Errorf("grep LED: %+v", ev)
	}
	f.g.Logger().Info("unrelated line")
	f.exec(t, "restart", "blink") // logs LED toggled again
	if ev := decodeLine(t, s.next(t)); !strings.Contains(ev.Text, "LED toggled") {
		t.Errorf("grep LED, after a restart: %+v", ev)
	}

	w := f.stream(t, "/log/events?level=WARN", "")
	var e event
	for { // dofail's ERROR line, then the evil task's WARN
		e = w.next(t)
		ev := decodeLine(t, e)
		if ev.Level != "WARN" && ev.Level != "ERROR" {
			t.Errorf("level WARN: %+v", ev)
		}
		if strings.Contains(ev.Text, "bold") {
			break
		}
	}
	if strings.Contains(e.data, "<b>") || !strings.Contains(e.data, `\u003cb\u003e`) {
		t.Errorf("HTML in a log line is not escaped in the stream: %s", e.data)
	}

	re := f.stream(t, "/log/events?grep=L.D+t&mode=regexp", "")
	if ev := decodeLine(t, re.next(t)); !strings.Contains(ev.Text, "LED toggled") {
		t.Errorf("regexp: %+v", ev)
	}

	for _, tc := range []struct {
		q, want string
		status  int
	}{
		{"grep=(&mode=regexp", "GREP", 400},
		{"level=LOUD", "--level", 400},
		{"mode=fuzzy", "mode", 400},
		{"task=nosuch", "no task", 404},
	} {
		resp, body := f.get(t, "/log/events?"+tc.q)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("?%s: %d %s, want %d with %q", tc.q, resp.StatusCode, body, tc.status, tc.want)
		}
	}
}

// A browser that reconnects gets the lines after the last it saw, and a
// "lines lost" notice for those the ring overwrote meanwhile.
func TestLogEventsResume(t *testing.T) {
	f := newFixture(t, fixtureOpts{ringBytes: aiolog.MinBudget})
	s := f.stream(t, "/log/events?grep=mark", "")
	f.g.Logger().Info("mark 1")
	e1 := s.next(t)
	f.g.Logger().Info("mark 2")
	e2 := s.next(t)
	s.close()
	f.g.Logger().Info("mark 3")
	r := f.stream(t, "/log/events?grep=mark", e1.id)
	if ev := decodeLine(t, r.next(t)); ev.Text == "" || !strings.HasSuffix(ev.Text, "mark 2") {
		t.Fatalf("resume after %s: %+v, want mark 2", e1.id, ev)
	}
	if ev := decodeLine(t, r.next(t)); !strings.HasSuffix(ev.Text, "mark 3") {
		t.Fatalf("resume: %+v, want mark 3", ev)
	}
	r.close()

	for i := range 2000 { // far more than the ring holds
		f.g.Logger().Info("filler", "i", i)
	}
	l := f.stream(t, "/log/events?grep=mark", e2.id)
	ev := decodeLine(t, l.next(t))
	if ev.Lost == 0 {
		t.Fatalf("after the ring wrapped: %+v, want a lost notice", ev)
	}
}
