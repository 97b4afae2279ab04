package aiomqtt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// retainedStats returns the payload retained on aiotools/ID/stats.
func retainedStats(t *testing.T, url, id string) []byte {
	t.Helper()
	c := dial(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	got, err := c.Retained(ctx, "aiotools/"+id+"/stats")
	if err != nil {
		t.Fatal(err)
	}
	b, ok := got["aiotools/"+id+"/stats"]
	if !ok {
		t.Fatalf("no retained aiotools/%s/stats", id)
	}
	return b
}

// The stats topic carries the program's stats document (api.Stats, what
// `aioctl stats -o json` prints), so the CLI, the dashboard and the fleet
// read one schema: memory, disk, the log, each task with its own stats.
func TestStatsTopicIsTheStatsDocument(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink")
	if _, err := aioctl.Add(g, blink, struct{}{}, aioctl.WithName("sensor"),
		aioctl.WithStats(func() map[string]int { return map[string]int{"reads": 7} })); err != nil {
		t.Fatal(err)
	}
	d, _ := startDevice(t, b.URL(), "dev", g)
	payload := retainedStats(t, b.URL(), "dev")
	var doc api.Stats
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stats topic is not the stats document: %v\n%s", err, payload)
	}
	if doc.Time.IsZero() || doc.Goroutines == 0 || doc.Memory.Sys == 0 || doc.Memory.HeapInuse == 0 || doc.Version == "" {
		t.Errorf("runtime figures missing: %s", payload)
	}
	if doc.Log == nil || doc.Log.Budget == 0 {
		t.Errorf("log use missing: %s", payload)
	}
	if runtime.GOOS == "linux" && doc.Disk == nil {
		t.Errorf("disk missing on linux: %s", payload)
	}
	if doc.Omitted != "" {
		t.Errorf("a small document was trimmed (%q)", doc.Omitted)
	}
	if s := doc.Tasks["blink"].Status; s != "running" {
		t.Errorf("tasks[blink].status = %q, want running", s)
	}
	if s := string(doc.Tasks["sensor"].Stats); s != `{"reads":7}` {
		t.Errorf("tasks[sensor].stats = %s, want the task's own stats", s)
	}
	// The same top-level keys as the stats verb's document.
	verb, err := d.in.Stats(false)
	if err != nil {
		t.Fatal(err)
	}
	vb, _ := json.Marshal(verb)
	if got, want := topKeys(t, payload), topKeys(t, vb); !slices.Equal(got, want) {
		t.Errorf("stats topic keys %v, stats verb keys %v", got, want)
	}
}

func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}

// A program with many tasks that say much about themselves still
// publishes a stats payload within MaxStatsPayload: the tasks' details
// go first, and the document says what it left out.
func TestStatsTopicBounded(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t)
	big := strings.Repeat("x", 1<<10)
	for i := range 100 {
		if _, err := aioctl.Add(g, blink, struct{}{}, aioctl.WithName(fmt.Sprint("t", i)),
			aioctl.WithStats(func() map[string]string { return map[string]string{"blob": big} })); err != nil {
			t.Fatal(err)
		}
	}
	startDevice(t, b.URL(), "dev", g)
	payload := retainedStats(t, b.URL(), "dev")
	if len(payload) > MaxStatsPayload {
		t.Fatalf("stats payload %d bytes, bound %d", len(payload), MaxStatsPayload)
	}
	var doc api.Stats
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Omitted != omitDetails || len(doc.Tasks) != 100 || doc.Tasks["t7"].Status != "running" || doc.Tasks["t7"].Stats != nil {
		t.Errorf("omitted %q, %d tasks, t7 %+v: want the 100 tasks' states without their stats", doc.Omitted, len(doc.Tasks), doc.Tasks["t7"])
	}
}

// When even the tasks' states do not fit, the document keeps its
// runtime figures and drops the tasks (Homie's topics have them).
func TestEncodeStatsDropsTasksLast(t *testing.T) {
	doc := &api.Stats{Host: "h", Goroutines: 3, Tasks: map[string]api.TaskStats{}}
	for i := range 50 {
		doc.Tasks[fmt.Sprint("task-", i)] = api.TaskStats{Status: "running", Result: strings.Repeat("r", 100)}
	}
	for _, tc := range []struct {
		limit   int
		omitted string
		tasks   int
	}{{1 << 20, "", 50}, {4000, omitDetails, 50}, {500, omitTasks, 0}} {
		b, err := encodeStats(doc, tc.limit)
		if err != nil {
			t.Fatalf("limit %d: %v", tc.limit, err)
		}
		var got api.Stats
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if len(b) > tc.limit || got.Omitted != tc.omitted || len(got.Tasks) != tc.tasks || got.Goroutines != 3 {
			t.Errorf("limit %d: %d bytes, omitted %q, %d tasks; want %q, %d tasks", tc.limit, len(b), got.Omitted, len(got.Tasks), tc.omitted, tc.tasks)
		}
	}
	if _, err := encodeStats(doc, 10); err == nil {
		t.Error("limit 10: no error for a document that cannot fit")
	}
	if len(doc.Tasks["task-1"].Result) != 100 {
		t.Error("encodeStats changed the caller's document")
	}
}

// BenchmarkStatsPayload: what a device does each stats period — the
// stats document of 20 tasks (the demo's size), encoded within the
// bound; bytes/payload is the retained message's size.
func BenchmarkStatsPayload(b *testing.B) {
	g := newGroup(b)
	for i := range 20 {
		aioctl.MustAdd(g, blink, struct{}{}, aioctl.WithName(fmt.Sprint("task-", i)),
			aioctl.WithStats(func() map[string]int { return map[string]int{"reads": i} }))
	}
	in, err := control.NewInterp(control.Components{Group: g, Log: aiolog.New(64 << 10)})
	if err != nil {
		b.Fatal(err)
	}
	var n int
	for b.Loop() {
		doc, _ := in.Stats(false)
		p, err := encodeStats(doc, MaxStatsPayload)
		if err != nil {
			b.Fatal(err)
		}
		n = len(p)
	}
	b.ReportMetric(float64(n), "bytes/payload")
}
