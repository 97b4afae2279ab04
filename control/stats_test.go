package control_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

type sensor struct{ reads int }

func (s *sensor) Stats() map[string]any { return map[string]any{"reads": s.reads, "unit": "C"} }

type exploding struct{}

func (exploding) Stats() map[string]any { panic("no stats today") }

// statsProgram is a program on a fake clock whose tasks report stats:
// sensor (args that implement Statser, done), typed (WithStats, a
// struct), boom (a Stats that panics), plain (no stats, error).
func statsProgram(t *testing.T) *control.Interp {
	t.Helper()
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	fc := clock.NewFake(t0)
	ring := aiolog.New(4<<10, aiolog.WithClock(fc.Now))
	g := aioctl.NewGroup(aioctl.WithGroupName("stats"), aioctl.WithClock(fc), aioctl.WithLogSource(ring),
		aioctl.WithLogger(slog.New(ring.Handler(nil))))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	done := func(ctx context.Context, s *sensor) (int, error) {
		s.reads = 7
		aioctl.Logger(ctx).Info("read")
		return 25, nil
	}
	type load struct {
		Queue int     `json:"queue_len"`
		Rate  float64 `json:"rate_per_s"`
	}
	wait := func(ctx context.Context, _ exploding) (int, error) { return 0, nil }
	ts := []*aioctl.Task{
		aioctl.MustAdd(g, done, &sensor{}, aioctl.WithName("sensor")),
		aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1,
			aioctl.WithName("typed"), aioctl.WithStats(func() load { return load{Queue: 3, Rate: 1.5} })),
		aioctl.MustAdd(g, wait, exploding{}, aioctl.WithName("boom")),
		aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return 0, io.ErrUnexpectedEOF }, 0,
			aioctl.WithName("plain")),
	}
	for _, tk := range ts {
		<-tk.Done()
	}
	in, err := control.NewInterp(control.Components{Group: g, Log: ring})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// normalise sets what differs from run to run (host, memory, times of
// the real clock) to fixed values, keeping every key: the golden file is
// the document's schema.
func normalise(d *api.Stats) {
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d.Host, d.Version, d.GoVersion, d.PID = "host", "v1.2.3", "go1.26", 4242
	d.Time, d.StartedAt, d.UptimeSeconds, d.Goroutines = fixed, fixed.Add(-time.Hour), 3600, 12
	d.Memory = api.Memory{HeapAlloc: 1 << 20, HeapInuse: 2 << 20, Sys: 8 << 20, TotalAlloc: 16 << 20}
	d.GC = api.GC{Count: 3, PauseTotal: 300 * time.Microsecond, LastPause: 100 * time.Microsecond, Last: fixed}
	d.Disk = &api.Disk{Path: "/work", Total: 100 << 30, Used: 40 << 30, Free: 60 << 30}
	if d.Debug != nil {
		d.Debug = &api.StatsDebug{GOMAXPROCS: 2, NumCPU: 2, RecentPauses: []time.Duration{100 * time.Microsecond},
			Module: "example.com/prog", Settings: map[string]string{"GOOS": "linux"}}
	}
	for n, ts := range d.Tasks {
		ts.Func = strings.TrimPrefix(ts.Func, "github.com/aiotools-go/aiotools/")
		d.Tasks[n] = ts
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./control -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the document:\n got %s\nwant %s", path, got, want)
	}
}

func TestStatsDocumentGolden(t *testing.T) {
	in := statsProgram(t)
	for _, tc := range []struct {
		debug  bool
		golden string
	}{{false, "stats.golden.json"}, {true, "stats_debug.golden.json"}} {
		res := in.Exec(t.Context(), map[bool][]string{false: {"stats"}, true: {"stats", "debug"}}[tc.debug], control.Options{JSON: true})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		// What a client gets: the wire encoding, decoded into the wire type.
		b, err := json.Marshal(res.Data)
		if err != nil {
			t.Fatal(err)
		}
		var doc api.Stats
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("the document does not decode as api.Stats: %v", err)
		}
		normalise(&doc)
		got, _ := json.MarshalIndent(doc, "", "  ")
		checkGolden(t, tc.golden, append(got, '\n'))
	}
}

func TestStatsPanickingTaskKeepsTheOthers(t *testing.T) {
	in := statsProgram(t)
	doc, err := in.Stats(false)
	if err != nil {
		t.Fatal(err)
	}
	if b := doc.Tasks["boom"]; b.Stats != nil || !strings.Contains(b.StatsError, "no stats today") || b.Status != "done" {
		t.Errorf("boom: %+v, want its panic in stats_error and its state", b)
	}
	if s := doc.Tasks["sensor"]; string(s.Stats) != `{"reads":7,"unit":"C"}` {
		t.Errorf("sensor stats = %s", s.Stats)
	}
	res := in.Exec(t.Context(), []string{"stats"}, control.Options{})
	for _, want := range []string{"sensor", "reads=7 unit=C", "typed", "queue_len=3 rate_per_s=1.5", "boom", "stats: panic: no stats today", "log:"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("stats text lacks %q:\n%s", want, res.Text)
		}
	}
	// A name that matches nothing gets the error alone, as status's: the
	// host block printed before it read as an answer.
	if res := in.Exec(t.Context(), []string{"stats", "nosuch"}, control.Options{}); res.Err == nil || res.Err.Code != control.CodeNotFound || res.Text != "" {
		t.Errorf("stats nosuch: %+v %q, want not_found and no text", res.Err, res.Text)
	}
	// One that matches beside one that does not: the match's stats, and the error.
	if res := in.Exec(t.Context(), []string{"stats", "sensor", "nosuch"}, control.Options{}); res.Err == nil || res.Err.Code != control.CodeNotFound || !strings.Contains(res.Text, "reads=7") {
		t.Errorf("stats sensor nosuch: %+v %q, want sensor's stats and not_found", res.Err, res.Text)
	}
}

func TestStatsOverHTTP(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	hc := unixHTTP(t, p.sock)
	for _, path := range []string{api.PathStats, api.PathStatsDebug, api.PathStats + "?task=hello*"} {
		resp, err := hc.Get("http://ctl" + path)
		if err != nil {
			t.Fatal(err)
		}
		var doc api.Stats
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		if doc.Goroutines == 0 || doc.Memory.Sys == 0 || doc.Log == nil || doc.Log.Written == 0 {
			t.Errorf("GET %s: runtime figures missing: %+v", path, doc)
		}
		if (doc.Debug != nil) != (path == api.PathStatsDebug) {
			t.Errorf("GET %s: debug part %v", path, doc.Debug)
		}
		wantTasks := 5
		if strings.Contains(path, "task=") {
			wantTasks = 2
		}
		if len(doc.Tasks) != wantTasks {
			t.Errorf("GET %s: %d tasks, want %d", path, len(doc.Tasks), wantTasks)
		}
	}
	resp, err := hc.Post("http://ctl"+api.PathStats, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /stats: %d, want 405", resp.StatusCode)
	}
}

// A service reports stats as a task does, through its task options; the
// document marks its task as a service's.
func TestStatsOfAService(t *testing.T) {
	p := newProgram(t)
	reg := aioservice.NewRegistry()
	run := func(ctx context.Context, a helloArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	reg.MustRegister(aioservice.Define("meter", run, helloArgs{Pin: 4},
		aioservice.WithTaskOptions(aioctl.WithStats(func() map[string]any { return map[string]any{"kwh": 1.25} }))))
	cfg := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(cfg, []byte(`{"meter": {"enabled": true}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := aioservice.NewManager(p.g, reg, aioservice.WithConfigFile(cfg), aioservice.WithOutput(io.Discard))
	if err := m.Up(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
	})
	in, _ := control.NewInterp(control.Components{Group: p.g, Services: m})
	doc, err := in.Stats(false)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Tasks[aioservice.TaskName("meter")]
	if !got.Service || string(got.Stats) != `{"kwh":1.25}` {
		t.Errorf("meter.service: %+v", got)
	}
	if b, ok := doc.Tasks["blink"]; !ok || b.Service {
		t.Errorf("blink: %+v %v, want a task that is no service", b, ok)
	}
}

// The text form: a header of runtime figures, then one line per task,
// sorted, with its own stats as key=value and no trailing blanks.
func TestStatsText(t *testing.T) {
	in := statsProgram(t)
	res := in.Exec(t.Context(), []string{"stats"}, control.Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	lines := strings.Split(strings.TrimSuffix(res.Text, "\n"), "\n")
	var tasks []string
	for i, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %d has trailing blanks: %q", i, l)
		}
		if strings.HasPrefix(l, "  ") {
			tasks = append(tasks, strings.Join(strings.Fields(l), " "))
		}
	}
	want := []string{
		"boom done stats: panic: no stats today",
		"plain error",
		"sensor done reads=7 unit=C",
		"typed done queue_len=3 rate_per_s=1.5",
	}
	if strings.Join(tasks, "\n") != strings.Join(want, "\n") {
		t.Errorf("task lines:\n%s\nwant:\n%s", strings.Join(tasks, "\n"), strings.Join(want, "\n"))
	}
	for _, head := range []string{"host:", "memory:", "gc:", "disk:", "log:", "tasks:      4"} {
		if !strings.Contains(res.Text, "\n"+head) && !strings.HasPrefix(res.Text, head) {
			t.Errorf("no %q line:\n%s", head, res.Text)
		}
	}
}

// TestStatsDebugText: `stats debug` shows what its help promises (each
// task's function and arguments, the build), escaped, as -o json does.
func TestStatsDebugText(t *testing.T) {
	in := statsProgram(t)
	res := in.Exec(t.Context(), []string{"stats", "typed", "debug"}, control.Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, want := range []string{"\n    func ", "args 1\n", "\nbuild:      "} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("no %q in:\n%s", want, res.Text)
		}
	}
	plain := in.Exec(t.Context(), []string{"stats", "typed"}, control.Options{})
	if strings.Contains(plain.Text, "func ") || strings.Contains(plain.Text, "build:") {
		t.Errorf("stats without debug shows the debug lines:\n%s", plain.Text)
	}
}
