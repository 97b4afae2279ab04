package aiometrics_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// program is a group with a ring log and a scheduler, its interpreter and
// its metrics.
type program struct {
	g     *aioctl.Group
	ring  *aiolog.Ring
	sched *aioschedule.Scheduler
	in    *control.Interp
	m     *aiometrics.Metrics
}

func newProgram(t *testing.T) *program {
	t.Helper()
	p := &program{ring: aiolog.New(16 << 10)}
	p.g = aioctl.NewGroup(aioctl.WithLogSource(p.ring), aioctl.WithLogger(slog.New(p.ring.Handler(nil))))
	p.sched = aioschedule.New(p.g)
	var err error
	p.in, err = control.NewInterp(control.Components{Group: p.g, Log: p.ring, Scheduler: p.sched})
	if err != nil {
		t.Fatal(err)
	}
	p.m = aiometrics.New(p.in)
	t.Cleanup(func() {
		p.m.Close()
		p.sched.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.g.Close(ctx)
	})
	return p
}

// waitState returns a function that waits for the named task to reach
// state s; make it before the action.
func waitState(t *testing.T, g *aioctl.Group, name string, s aioctl.State) func() {
	t.Helper()
	ch := make(chan struct{}, 1)
	cancel := g.Watch(func(e aioctl.Event) {
		if e.Name == name && e.To == s {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	})
	return func() {
		t.Helper()
		defer cancel()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s never reached %v", name, s)
		}
	}
}

// exercise makes every kind of metric move: runs that end, fail, restart
// and give up, a scheduled run, commands that succeed and fail.
func (p *program) exercise(t *testing.T) {
	t.Helper()
	okDone, badErr := waitState(t, p.g, "ok", aioctl.Done), waitState(t, p.g, "bad", aioctl.Error)
	flakyGaveUp := waitState(t, p.g, "flaky", aioctl.GaveUp)
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("ok"))
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return 0, errors.New("no") }, 1, aioctl.WithName("bad"))
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return 0, errors.New("flaky") }, 1,
		aioctl.WithName("flaky"), aioctl.WithRestart(aioctl.RestartPolicy{Mode: aioctl.OnFailure, Delay: time.Millisecond, Budget: 2}))
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { <-ctx.Done(); return 0, nil }, 1, aioctl.WithName("idle"))
	okDone()
	badErr()
	flakyGaveUp()

	// A scheduled run: the test's fire observer comes after the metrics'.
	tickDone := waitState(t, p.g, "tick", aioctl.Done)
	fired := make(chan struct{}, 1)
	defer p.sched.ObserveFires(func(aioschedule.Fire) { fired <- struct{}{} })()
	if _, err := aioschedule.Add(p.sched, func(ctx context.Context, n int) (int, error) { return n, nil }, 1,
		aioschedule.Spec{StartIn: time.Millisecond}, aioctl.WithName("tick")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
	case <-time.After(10 * time.Second):
		t.Fatal("the schedule never fired")
	}
	tickDone()
	for _, argv := range [][]string{{"status", "ok"}, {"status", "nosuch"}, {"nosuchverb"}} {
		p.in.Exec(t.Context(), argv, control.Options{})
	}
}

// scrape parses an exposition and lints it as promtool check metrics does.
func scrape(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, body)
	}
	problems, err := promlint.New(bytes.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range problems {
		t.Errorf("lint: %s: %s", pr.Metric, pr.Text)
	}
	return mfs
}

// value is the value of the family's series with these labels (name=value
// pairs); ok is false when there is none.
func value(mfs map[string]*dto.MetricFamily, name string, labels ...string) (v float64, ok bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func get(t *testing.T, hc *http.Client, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/plain")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func unixClient(sock string) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}}
}

func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "aiom")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// The metrics as the control server serves them (GET /metrics behind its
// checks): they parse, pass the lint, and say what happened.
func TestMetricsOnTheControlServer(t *testing.T) {
	p := newProgram(t)
	p.exercise(t)
	srv, err := control.NewServer(control.Config{Interp: p.in, Mount: p.m.Mount,
		Socket: filepath.Join(shortTempDir(t), "ctl.sock"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hc := unixClient(srv.SocketPath())
	defer hc.CloseIdleConnections()
	code, body := get(t, hc, "http://ctl/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", code, body)
	}
	mfs := scrape(t, body)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"aiotools_tasks", []string{"state", "done"}, 2}, // ok, tick
		{"aiotools_tasks", []string{"state", "error"}, 1},
		{"aiotools_tasks", []string{"state", "gave-up"}, 1},
		{"aiotools_tasks", []string{"state", "running"}, 1},
		{"aiotools_tasks", []string{"state", "stopping"}, 0},
		{"aiotools_task_failures_total", []string{"task", "bad"}, 1},
		{"aiotools_task_failures_total", []string{"task", "flaky"}, 3},
		{"aiotools_task_restarts_total", []string{"task", "flaky"}, 2},
		{"aiotools_task_run_duration_seconds", nil, 6}, // ok, bad, flaky ×3, tick (idle runs on)
		{"aiotools_schedule_fire_lateness_seconds", nil, 1},
		{"aiotools_schedule_runs_skipped_total", []string{"task", "tick"}, 0},
		{"aiotools_schedule_runs_missed_total", []string{"task", "tick"}, 0},
		{"aiotools_control_requests_total", []string{"verb", "status", "code", "ok"}, 1},
		{"aiotools_control_requests_total", []string{"verb", "status", "code", "not_found"}, 1},
		{"aiotools_control_requests_total", []string{"verb", "unknown", "code", "unknown_verb"}, 1},
		{"aiotools_log_budget_bytes", nil, 16 << 10},
		{"aiotools_log_lines_dropped_total", nil, 0},
	} {
		if got, ok := value(mfs, c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if v, ok := value(mfs, "aiotools_log_lines_written_total"); !ok || v < 4 { // bad's and flaky's error lines
		t.Errorf("log lines written %v %v", v, ok)
	}
	if _, ok := value(mfs, "go_goroutines"); !ok {
		t.Error("no Go collector metrics")
	}
	if _, ok := mfs["aiotools_task_failures_total"]; !ok || mfs["aiotools_task_failures_total"].GetType() != dto.MetricType_COUNTER {
		t.Error("failures are not a counter")
	}

	// A deleted task's series go with it: labels stay bounded.
	if res := p.in.Exec(t.Context(), []string{"delete", "flaky"}, control.Options{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	_, body = get(t, hc, "http://ctl/metrics", "")
	mfs = scrape(t, body)
	for _, name := range []string{"aiotools_task_failures_total", "aiotools_task_restarts_total"} {
		if _, ok := value(mfs, name, "task", "flaky"); ok {
			t.Errorf("%s{task=flaky} still there after delete", name)
		}
	}
	if strings.Contains(string(body), `verb="nosuchverb"`) {
		t.Error("an unknown verb became a label value")
	}
}

// A task whose restart policy is "always" is restarted after a success:
// a restart, not a failure.
func TestRestartAfterSuccessIsNoFailure(t *testing.T) {
	p := newProgram(t)
	gaveUp := waitState(t, p.g, "again", aioctl.GaveUp)
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1,
		aioctl.WithName("again"), aioctl.WithRestart(aioctl.RestartPolicy{Mode: aioctl.Always, Delay: time.Millisecond, Budget: 1}))
	gaveUp()
	mfs := gather(t, p.m)
	if v, _ := value(mfs, "aiotools_task_failures_total", "task", "again"); v != 0 {
		t.Errorf("failures = %v, want 0", v)
	}
	if v, _ := value(mfs, "aiotools_task_restarts_total", "task", "again"); v != 1 {
		t.Errorf("restarts = %v, want 1", v)
	}
}

func gather(t *testing.T, m *aiometrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// Over the control server's TCP listener, /metrics and /stats need the
// token as every command does.
func TestMetricsOverTCPNeedTheToken(t *testing.T) {
	p := newProgram(t)
	const token = "metrics-test-token-0123456789"
	srv, err := control.NewServer(control.Config{Interp: p.in, Mount: p.m.Mount, Addr: "127.0.0.1:0", Token: token,
		Socket: filepath.Join(shortTempDir(t), "ctl.sock"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hc := &http.Client{Timeout: 10 * time.Second}
	defer hc.CloseIdleConnections()
	for _, path := range []string{"/metrics", "/stats", "/stats/debug"} {
		url := "http://" + srv.Addr().String() + path
		if code, _ := get(t, hc, url, ""); code != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d, want 401", path, code)
		}
		if code, body := get(t, hc, url, token); code != http.StatusOK {
			t.Errorf("GET %s with the token: %d %.200s", path, code, body)
		}
	}
}

// A task name that is not UTF-8 (a name is any bytes) becomes a valid
// label value: Prometheus would panic on it, in the task's goroutine.
func TestTaskNameNotUTF8(t *testing.T) {
	p := newProgram(t)
	name := "bad\xffname"
	failed := waitState(t, p.g, name, aioctl.Error)
	tk := aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return 0, errors.New("x") }, 0, aioctl.WithName(name))
	failed()
	if err := p.sched.Schedule(name, aioschedule.Spec{StartIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	mfs := gather(t, p.m)
	if v, ok := value(mfs, "aiotools_task_failures_total", "task", `bad\xffname`); !ok || v != 1 {
		t.Errorf("failures of %q: %v %v", name, v, ok)
	}
	if _, ok := value(mfs, "aiotools_schedule_runs_skipped_total", "task", `bad\xffname`); !ok {
		t.Errorf("no skipped series for %q", name)
	}
	if strings.Contains(tk.Err().Error(), "watcher") {
		t.Errorf("the metrics' watcher failed: %v", tk.Err())
	}
}

// WithTaskRunDurations gives each task its own run-duration histogram,
// gone with the task.
func TestTaskRunDurationsPerTask(t *testing.T) {
	p := newProgram(t)
	m := aiometrics.New(p.in, aiometrics.WithTaskRunDurations())
	defer m.Close()
	for _, n := range []string{"a", "b"} {
		done := waitState(t, p.g, n, aioctl.Done)
		aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName(n))
		done()
	}
	mfs := gather(t, m)
	for _, n := range []string{"a", "b"} {
		if v, ok := value(mfs, "aiotools_task_run_duration_seconds", "task", n); !ok || v != 1 {
			t.Errorf("runs of %s: %v %v", n, v, ok)
		}
	}
	if problems, err := testutil.GatherAndLint(m.Registry()); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
	p.in.Exec(t.Context(), []string{"delete", "a"}, control.Options{})
	if _, ok := value(gather(t, m), "aiotools_task_run_duration_seconds", "task", "a"); ok {
		t.Error("a's histogram is still there after delete")
	}
}

// A task that failed before New (aiotools run and demo make the metrics
// after the boot) counts: aiotools_tasks{state="error"} and
// aiotools_task_failures_total agree from the first scrape.
func TestFailureBeforeNewCounts(t *testing.T) {
	ring := aiolog.New(16 << 10)
	g := aioctl.NewGroup(aioctl.WithLogSource(ring), aioctl.WithLogger(slog.New(ring.Handler(nil))))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	early := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return 0, io.ErrUnexpectedEOF }, 0,
		aioctl.WithName("early"))
	fine := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("fine"))
	<-early.Done()
	<-fine.Done()
	in, err := control.NewInterp(control.Components{Group: g, Log: ring})
	if err != nil {
		t.Fatal(err)
	}
	m := aiometrics.New(in)
	defer m.Close()
	mfs := gather(t, m)
	if v, ok := value(mfs, "aiotools_task_failures_total", "task", "early"); !ok || v != 1 {
		t.Errorf("failures{task=early} = %v (%v), want 1", v, ok)
	}
	if _, ok := value(mfs, "aiotools_task_failures_total", "task", "fine"); ok {
		t.Error("a task that succeeded has a failure series")
	}
}

// A task name is anyone's: in a scrape (which people read with curl on a
// terminal) its label value is escaped as aioctl prints the name, so no
// ESC, BEL or bidi control reaches the terminal.
func TestHostileTaskNameEscapedInLabels(t *testing.T) {
	p := newProgram(t)
	name := "evil\x1b]0;PWN\x07\u202ename"
	failed := waitState(t, p.g, name, aioctl.Error)
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return 0, errors.New("x") }, 0, aioctl.WithName(name))
	failed()
	if err := p.sched.Schedule(name, aioschedule.Spec{StartIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	p.m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if i := strings.IndexAny(body, "\x1b\x07\u202e"); i >= 0 {
		t.Fatalf("a raw control in the scrape at %d: %q", i, body[max(0, i-40):min(len(body), i+40)])
	}
	want := `evil\x1b]0;PWN\x07\u202ename`
	mfs := gather(t, p.m)
	if v, ok := value(mfs, "aiotools_task_failures_total", "task", want); !ok || v != 1 {
		t.Errorf("failures{task=%s}: %v %v", want, v, ok)
	}
	if _, ok := value(mfs, "aiotools_schedule_runs_skipped_total", "task", want); !ok {
		t.Errorf("no skipped series for %s", want)
	}
}
