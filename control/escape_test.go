package control_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// hostileStrings would drive the terminal of whoever reads them if they
// were printed raw: retitle and clear it (OSC, CSI), a C1 CSI, bidi
// overrides that make text read backwards, NUL, DEL, CR, invalid UTF-8,
// and a newline that would forge a status line.
var hostileStrings = []string{
	"\x1b]0;PWNED\x07\x1b[2J",
	"\u009b31m\u0085c1",
	"evil\u202egnp.exe\u2066x\u2069",
	"nul\x00del\x7fcr\rbad\xff",
	"two\n● forged: status: running",
}

type hostileArgs struct {
	Text string `json:"text"`
}

// hostileProgram is a program whose every untrusted string is h: task
// names, results, errors, panic values, arguments, log lines, schedule
// names, service info, docs, source, stats, load errors, and (after
// breakConfig) a config error naming a service.
type hostileProgram struct {
	g    *aioctl.Group
	ring *aiolog.Ring
	in   *control.Interp
	out  *strings.Builder // the service manager's boot output
	cfg  string           // the services config file
}

func newHostileProgram(t *testing.T, h string) *hostileProgram {
	t.Helper()
	p := &hostileProgram{ring: aiolog.New(64 << 10), out: &strings.Builder{}}
	p.g = aioctl.NewGroup(aioctl.WithGroupName(h), aioctl.WithLogSource(p.ring), aioctl.WithLogger(slog.New(p.ring.Handler(nil))),
		aioctl.WithDefaultStopTimeout(2*time.Second))
	logged := make(chan struct{}, 1)
	wait := func(ctx context.Context, a hostileArgs) (string, error) {
		aioctl.Logger(ctx).Info("LOGMARK "+a.Text, "arg", a.Text)
		select {
		case logged <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return a.Text, nil
	}
	var ended []*aioctl.Task
	ended = append(ended,
		aioctl.MustAdd(p.g, func(ctx context.Context, a hostileArgs) (string, error) { return a.Text, nil }, hostileArgs{h}, aioctl.WithName(h)),
		aioctl.MustAdd(p.g, func(ctx context.Context, a hostileArgs) (int, error) { return 0, errors.New(a.Text) }, hostileArgs{h}, aioctl.WithName("fail")),
		aioctl.MustAdd(p.g, func(ctx context.Context, a hostileArgs) (int, error) { panic(a.Text) }, hostileArgs{h}, aioctl.WithName("panic")),
	)
	aioctl.MustAdd(p.g, wait, hostileArgs{h}, aioctl.WithName("running"))
	for _, k := range []string{"kind", h} { // help add lists the kinds and their defaults
		if err := aioctl.Register(p.g, k, wait, hostileArgs{h}); err != nil {
			t.Fatal(err)
		}
	}
	<-logged
	for _, tk := range ended {
		<-tk.Done()
	}

	s := aioschedule.New(p.g, aioschedule.WithClock(clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.Local))))
	if _, err := aioschedule.Add(s, func(ctx context.Context, a hostileArgs) (string, error) { return a.Text, nil }, hostileArgs{h},
		aioschedule.Spec{StartIn: 20 * time.Second, Repeat: 90 * time.Second}, aioctl.WithName("sched"+h)); err != nil {
		t.Fatal(err)
	}

	reg := aioservice.NewRegistry()
	show := func() (string, string) { return h, h }
	reg.MustRegister(aioservice.Define("evil", wait, hostileArgs{h}, aioservice.WithInfo(h), aioservice.WithDocs(h),
		aioservice.WithSource(h), aioservice.WithShow(show)))
	reg.MustRegister(aioservice.Define("loadfail", wait, hostileArgs{h}, aioservice.WithInfo(h),
		aioservice.WithOnLoad(func(ctx context.Context, a hostileArgs) error { return errors.New(a.Text) })))
	reg.MustRegister(aioservice.Define("runfail", func(ctx context.Context, a hostileArgs) (int, error) { return 0, errors.New(a.Text) },
		hostileArgs{h}, aioservice.WithType(aioservice.Core), aioservice.WithInfo(h)))
	p.cfg = filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(p.cfg, []byte(`{"evil": {"enabled": true}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := aioservice.NewManager(p.g, reg, aioservice.WithConfigFile(p.cfg), aioservice.WithOutput(p.out), aioservice.WithScheduler(s))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	m.Up(ctx) // loadfail and runfail fail, as they should
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
		s.Close()
		p.g.Close(ctx)
	})
	var err error
	// errlog prints the error file: hostile lines as a ring writes them
	// there, and a control character written by hand.
	errLog := filepath.Join(t.TempDir(), "error.log")
	errRing := aiolog.New(4096, aiolog.WithCopy(slog.LevelError, aiolog.NewRotatingFile(errLog, 0)))
	errRing.TaskLogger(h).Error(h, slog.String(h, h))
	if err := errRing.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	if f, err := os.OpenFile(errLog, os.O_APPEND|os.O_WRONLY, 0); err == nil {
		f.WriteString("by hand \x1b[2J\x9b\n")
		f.Close()
	}
	p.in, err = control.NewInterp(control.Components{Group: p.g, Log: p.ring, Scheduler: s, Services: m,
		ErrorLog: aiolog.NewRotatingFile(errLog, 0)})
	if err != nil {
		t.Fatal(err)
	}
	p.g.SetDebug(true) // status shows Task, args, traceback and the service header
	return p
}

// breakConfig writes a config file whose error names a hostile service.
func (p *hostileProgram) breakConfig(t *testing.T, h string) {
	t.Helper()
	key, _ := json.Marshal(h)
	if err := os.WriteFile(p.cfg, []byte(`{"evil": {"enabled": true}, `+string(key)+`: {"enabled": true}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hostileLines drives every verb of the table: each verb name maps to the
// command lines run for it. A verb missing here fails the test, so a verb
// added later is checked too.
var hostileLines = map[string][]string{
	"status":              {"status", "status --debug", "status * debug"},
	"is-active":           {"is-active *"},
	"stats":               {"stats", "stats * debug"},
	"start":               {"start *"},
	"stop":                {"stop sched*"},
	"restart":             {"restart running"},
	"delete":              {"delete sched*"},
	"result":              {"result"},
	"traceback":           {"traceback"},
	"debug":               {"debug on"},
	"set args":            {`set args running {"text": "x"}`},
	"log":                 {"log", "log LOGMARK", "log -f --lines 5"},
	"follow":              {"follow --lines 5"},
	"watch":               {"watch", "watch *"},
	"log level":           {"log level", "log level * DEBUG", "log level sched* inherit"},
	"errlog":              {"errlog", "errlog -n 3"},
	"schedule list":       {"schedule list"},
	"schedule next":       {"schedule next", "schedule next sched* 3"},
	"schedule set":        {`schedule set running {"start_in": 5}`},
	"schedule rm":         {"schedule rm running"},
	"clone":               {"clone running", `clone running {"text": "y"}`},
	"add":                 {"add kind", "help add"},
	"services list":       {"services list"},
	"services status":     {"services status"},
	"services load":       {"services load loadfail", "services load all"},
	"services unload":     {"services unload evil"},
	"services add":        {`services add evil {"enabled": true}`},
	"services remove":     {"services remove evil"},
	"services report":     {"services report"},
	"services boot":       {"services boot"},
	"services enable":     {"services enable evil"},
	"services disable":    {"services disable evil"},
	"services config":     {`services config evil {"enabled": true}`},
	"services get-config": {"services get-config"},
	"services traceback":  {"services traceback"},
	"boot order":          {"boot order"},
	"help":                {"help", "help status"},
	"names":               {"names", "names services"},
}

// configLines run after the config file has a hostile service name in it.
var configLines = []string{"services enable evil", "services disable evil", `services config evil {"enabled": true}`,
	"services load all", "services status", "services get-config"}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func checkSafe(t *testing.T, where, s string, multiline bool) {
	t.Helper()
	if strings.Contains("\n"+s, "\n● forged") {
		t.Errorf("%s: a value forged a line of its own: %q", where, s)
	}
	if i := termsafe.FirstUnsafe(s, multiline); i >= 0 {
		lo, hi := max(0, i-30), min(len(s), i+30)
		t.Errorf("%s: unescaped byte %#x at %d: …%q…", where, s[i], i, s[lo:hi])
	}
}

// TestNothingReachesATerminalRaw runs every verb, as text and as JSON,
// through the interpreter and through the server's wire, on a program
// whose every untrusted string is hostile, and checks that no control
// byte (but newline and tab in text), DEL, C1 or bidi control, or invalid
// UTF-8 reaches the output unescaped.
func TestNothingReachesATerminalRaw(t *testing.T) {
	for _, v := range control.Verbs() {
		if _, ok := hostileLines[v.Name]; !ok {
			t.Errorf("verb %q is not driven by the hostile test: add it to hostileLines", v.Name)
		}
	}
	for _, h := range hostileStrings {
		t.Run(strings.ToValidUTF8(termsafe.String(h), "?"), func(t *testing.T) {
			p := newHostileProgram(t, h)
			srv, err := control.NewServer(control.Config{Interp: p.in, Socket: filepath.Join(shortTempDir(t), "ctl.sock"),
				Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			hc := unixHTTP(t, srv.SocketPath())
			ctx := ctxT(t)
			var lines []string
			for _, v := range control.Verbs() {
				lines = append(lines, hostileLines[v.Name]...)
			}
			run := func(line string) {
				t.Helper()
				argv, err := control.ParseLine(line)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				if p.in.IsStream(argv) {
					checkStream(t, ctx, p.in, hc, line, argv)
					return
				}
				// In colour, the only escape sequences are the renderer's colours.
				colored := p.in.Exec(ctx, argv, control.Options{Color: true})
				checkSafe(t, line+": colour text", sgr.ReplaceAllString(colored.Text, ""), true)
				for _, asJSON := range []bool{false, true} {
					r := p.in.Exec(ctx, argv, control.Options{JSON: asJSON})
					checkSafe(t, line+": text", r.Text, true)
					if r.Err != nil {
						checkSafe(t, line+": error", r.Err.Message, false)
					}
					output := "text"
					if asJSON {
						output = "json"
					}
					body := postRaw(t, hc, "/v1/exec", control.Request{Argv: argv, Output: output})
					checkSafe(t, line+": "+output+" answer", body, true)
					var resp control.Response
					if err := json.Unmarshal([]byte(body), &resp); err != nil {
						t.Fatalf("%s: answer is not JSON: %v: %q", line, err, body)
					}
					checkSafe(t, line+": decoded text", resp.Text, true)
					if resp.Error != nil {
						checkSafe(t, line+": decoded error", resp.Error.Message, false)
					}
				}
			}
			for _, line := range lines {
				run(line)
			}
			// Errors of the server itself that quote what the client sent.
			checkSafe(t, "unknown verb", postRaw(t, hc, "/v1/exec", control.Request{Argv: []string{h}}), true)
			checkSafe(t, "bad name", postRaw(t, hc, "/v1/exec", control.Request{Argv: []string{"stop", h}}), true)
			checkSafe(t, "bad line", postRaw(t, hc, "/v1/exec", control.Request{Line: "log '" + h}), true)
			p.breakConfig(t, h)
			for _, line := range configLines {
				run(line)
			}
			if r := p.in.ExecLine(ctx, "services enable evil", control.Options{}); r.Err == nil || !strings.Contains(r.Err.Message, "invalid service name") {
				t.Errorf("services enable with a hostile name in the config: %v, want the config error", r.Err)
			}
			checkSafe(t, "boot output", p.out.String(), true)
			if !strings.Contains(p.out.String(), "evil.service") {
				t.Errorf("boot output has no service line: %q", p.out.String())
			}
		})
	}
}

// checkStream reads a stream's replayed events through the interpreter
// and through the wire.
func checkStream(t *testing.T, ctx context.Context, in *control.Interp, hc *http.Client, line string, argv []string) {
	t.Helper()
	sctx, cancel := context.WithCancel(ctx)
	n := 0
	err := in.Stream(sctx, argv, func(e control.Event) error {
		checkSafe(t, line+": event text", e.Text, false)
		checkSafe(t, line+": event task", e.Task, false)
		// watch has no log line: its first events are the tasks' states.
		if n++; strings.Contains(e.Text, "LOGMARK") || argv[0] == "watch" && n >= 3 {
			cancel()
		}
		return nil
	})
	cancel()
	if err != nil || n == 0 {
		t.Fatalf("%s: %d events, %v", line, n, err)
	}
	sctx, cancel = context.WithCancel(ctx)
	defer cancel()
	b, _ := json.Marshal(control.Request{Argv: argv})
	req, _ := http.NewRequestWithContext(sctx, http.MethodPost, "http://aioctl/v1/stream", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		checkSafe(t, line+": stream", sc.Text(), false)
		if strings.Contains(sc.Text(), "LOGMARK") || argv[0] == "watch" && strings.HasPrefix(sc.Text(), "data:") {
			return
		}
	}
	t.Fatalf("%s: the stream ended without the log line: %v", line, sc.Err())
}

func unixHTTP(t *testing.T, sock string) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

// postRaw sends a request and returns the raw answer body.
func postRaw(t *testing.T, hc *http.Client, path string, r control.Request) string {
	t.Helper()
	b, _ := json.Marshal(r)
	res, err := hc.Post("http://aioctl"+path, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("%s %+v: %v", path, r, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}
