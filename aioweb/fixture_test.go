package aioweb

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Untrusted text the pages must show as text: a task's name and a log line.
const (
	evilName = `<script>alert("name")</script>`
	evilLine = `<b>bold</b><img src=x onerror=alert(1)>`
)

const testToken = "0123456789abcdef0123456789abcdef"

type blinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// fixture is a program with a dashboard on loopback TCP: tasks blink
// (runs until stopped, logs "LED toggled"), answer (done, 42), dofail
// (error), evilName (running, logs evilLine), services hello, network
// and time.
type fixture struct {
	g     *aioctl.Group
	ring  *aiolog.Ring
	srv   *control.Server
	d     *Dashboard
	base  string       // http://127.0.0.1:PORT
	c     *http.Client // with the session cookie
	ticks chan struct{}
}

type fixtureOpts struct{ ringBytes int }

func newFixture(t testing.TB, opts ...fixtureOpts) *fixture {
	t.Helper()
	budget := 64 << 10
	for _, o := range opts {
		if o.ringBytes > 0 {
			budget = o.ringBytes
		}
	}
	f := &fixture{ring: aiolog.New(budget), ticks: make(chan struct{}, 100)}
	f.g = aioctl.NewGroup(aioctl.WithGroupName("test"), aioctl.WithLogSource(f.ring),
		aioctl.WithLogger(slog.New(f.ring.Handler(nil))), aioctl.WithDefaultStopTimeout(2*time.Second))
	blink := func(ctx context.Context, a blinkArgs) (int, error) {
		aioctl.Logger(ctx).Info("LED toggled", "pin", a.Pin)
		select {
		case f.ticks <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return a.Pin, ctx.Err()
	}
	aioctl.MustAdd(f.g, blink, blinkArgs{Pin: 2, Sleep: time.Second}, aioctl.WithName("blink"),
		aioctl.WithOnStop(func(a blinkArgs) int { return -a.Pin }))
	aioctl.MustAdd(f.g, func(ctx context.Context, n int) (int, error) { return n * 2, nil }, 21, aioctl.WithName("answer"))
	aioctl.MustAdd(f.g, func(ctx context.Context, n int) (int, error) {
		return 0, errors.New("division by zero")
	}, 0, aioctl.WithName("dofail"))
	evilLogged := make(chan struct{})
	aioctl.MustAdd(f.g, func(ctx context.Context, _ struct{}) (any, error) {
		aioctl.Logger(ctx).Warn(evilLine)
		close(evilLogged)
		<-ctx.Done()
		return nil, nil
	}, struct{}{}, aioctl.WithName(evilName))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.g.Close(ctx)
	})
	<-f.ticks
	<-evilLogged
	for _, n := range []string{"answer", "dofail"} {
		tk, _ := f.g.Get(n)
		<-tk.Done()
	}
	m := withServices(t, f.g)
	sched := aioschedule.New(f.g)
	t.Cleanup(sched.Close)
	cfg := control.Config{
		Components: control.Components{Group: f.g, Log: f.ring, Services: m, Scheduler: sched},
		Socket:     "-",
		Addr:       "127.0.0.1:0",
		Token:      testToken,
		Logger:     slog.New(slog.DiscardHandler),
	}
	d, err := Mount(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.d = srv, d
	t.Cleanup(func() { srv.Close(); d.Close() })
	f.base = "http://" + srv.Addr().String()
	f.c = f.login(t)
	return f
}

// withServices gives the group a service manager with hello (runtime,
// enabled), network (core) and time (core, requires network).
func withServices(t testing.TB, g *aioctl.Group) *aioservice.Manager {
	t.Helper()
	type helloArgs struct {
		Pin int `json:"pin"`
	}
	reg := aioservice.NewRegistry()
	run := func(ctx context.Context, a helloArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	once := func(ctx context.Context, a helloArgs) (int, error) { return a.Pin, nil }
	reg.MustRegister(aioservice.Define("hello", run, helloArgs{Pin: 2}, aioservice.WithInfo("Hello example runner v1.0")))
	reg.MustRegister(aioservice.Define("network", once, helloArgs{}, aioservice.WithType(aioservice.Core)))
	reg.MustRegister(aioservice.Define("time", once, helloArgs{}, aioservice.WithType(aioservice.Core), aioservice.WithRequires("network")))
	cfg := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(cfg, []byte(`{"hello": {"enabled": true, "args": {"pin": 3}}, "network": {"enabled": true}, "time": {"enabled": true}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(cfg), aioservice.WithOutput(io.Discard))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
	})
	return m
}

// noRedirect is a client that shows redirects instead of following them.
// Each has a transport of its own, whose connections close with the test.
func noRedirect(t testing.TB, jar http.CookieJar) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login visits the dashboard with the token, as the printed address
// does, and returns a client holding the cookie it got.
func (f *fixture) login(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := noRedirect(t, jar)
	resp, err := c.Get(f.d.URL(f.srv))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first visit: %s, want 303", resp.Status)
	}
	return c
}

func (f *fixture) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	resp, err := f.c.Get(f.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// exec posts a command as the page's script does.
func (f *fixture) exec(t testing.TB, argv ...string) (int, execAnswer) {
	t.Helper()
	body, _ := json.Marshal(execRequest{Argv: argv})
	req, _ := http.NewRequest(http.MethodPost, f.base+"/exec", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(csrfHeader, f.d.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a execAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, a
}

// event is one Server-Sent Event.
type event struct{ id, name, data string }

// stream opens an event stream; next returns its events in order.
type stream struct {
	resp   *http.Response
	sc     *bufio.Scanner
	cancel context.CancelFunc
}

func (f *fixture) stream(t testing.TB, path string, lastID string) *stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.base+path, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := f.c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &stream{resp: resp, sc: bufio.NewScanner(resp.Body), cancel: cancel}
	s.sc.Buffer(make([]byte, 64<<10), 1<<20)
	t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return s
}

func (s *stream) close() { s.cancel(); s.resp.Body.Close() }

// next returns the next event (comments skipped); it fails the test when
// the stream ends (the stream's context bounds the wait).
func (s *stream) next(t testing.TB) event {
	t.Helper()
	var e event
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if e.data != "" {
				return e
			}
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			e.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.data = line[6:]
		default:
			t.Fatalf("stream: unexpected line %q", line)
		}
	}
	t.Fatalf("stream ended: %v", s.sc.Err())
	return e
}

func tokenURL(base, token string) string {
	return base + "/?" + url.Values{"token": {token}}.Encode()
}
