package control_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// text runs a line in plain mode.
func (p *svcProgram) text(t testing.TB, line string) *control.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.in.ExecLine(ctx, line, control.Options{})
}

func (p *svcProgram) file(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(p.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (p *svcProgram) state(t testing.TB, task string) aioctl.State {
	t.Helper()
	tk, ok := p.g.Get(task)
	if !ok {
		t.Fatalf("no task %s", task)
	}
	return tk.State()
}

// Issue 12 item 3: services add writes an exec entry, loads and starts
// it; services remove stops, unloads and deletes it.
func TestServicesAddAndRemoveExec(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), `{"hello": {"enabled": true}}`+"\n")
	r := p.text(t, `services add sleeper '{"exec": {"argv": ["sleep", "30"]}}'`)
	if r.Err != nil {
		t.Fatalf("services add: %v", r.Err)
	}
	if f := p.file(t); !strings.Contains(f, `"sleeper"`) || !strings.Contains(f, `"hello": {"enabled": true}`) {
		t.Errorf("the file after add:\n%s", f)
	}
	if st := p.state(t, "sleeper.service"); st != aioctl.Running {
		t.Errorf("sleeper.service after add: %v, want running", st)
	}
	if i := p.info(t, "sleeper"); i.Load != aioservice.Loaded {
		t.Errorf("sleeper after add: %+v", i)
	}
	// A taken name is a conflict (exit 1), as for clone and add (nameFree),
	// with what to do instead: it was bad_argument, exit 2, and no hint.
	if r := p.text(t, `services add sleeper.service '{"exec": {"argv": ["sleep", "30"]}}'`); control.CodeOf(r.Err) != control.CodeConflict ||
		r.Exit != 1 || !strings.Contains(r.Err.Error(), `services add: "sleeper" is loaded already`) ||
		!strings.Contains(r.Err.Error(), "services config") || !strings.Contains(r.Err.Error(), "services remove") {
		t.Errorf("a second add: exit %d %v, want conflict, exit 1 and a hint", r.Exit, r.Err)
	}
	if r := p.text(t, "services remove sleeper"); r.Err != nil {
		t.Fatalf("services remove: %v", r.Err)
	}
	if f := p.file(t); strings.Contains(f, "sleeper") || !strings.Contains(f, `"hello": {"enabled": true}`) {
		t.Errorf("the file after remove:\n%s", f)
	}
	if _, ok := p.g.Get("sleeper.service"); ok {
		t.Error("sleeper.service is still in the group after remove")
	}
	for _, i := range p.run(t, "services list").Data.([]aioservice.Info) {
		if i.Name == "sleeper" {
			t.Errorf("services list still has sleeper: %+v", i)
		}
	}
	if r := p.text(t, "services remove sleeper"); control.CodeOf(r.Err) != control.CodeNotFound {
		t.Errorf("remove of a removed service: %v, want not_found", r.Err)
	}
}

// services add of a registered Go service writes its args, loads and
// starts it with them.
func TestServicesAddRegisteredWithArgs(t *testing.T) {
	run := func(ctx context.Context, a svcArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	extra := aioservice.Define("echo", run, svcArgs{Pin: 1}, aioservice.WithDisabled())
	p := newSvcProgram(t, svcRegistry(extra), "{}\n")
	if _, ok := p.g.Get("echo.service"); ok {
		t.Fatal("echo is disabled: Up should not load it")
	}
	if r := p.text(t, `services add echo '{"enabled": true, "args": {"pin": 7}}'`); r.Err != nil {
		t.Fatalf("services add echo: %v", r.Err)
	}
	if st := p.state(t, "echo.service"); st != aioctl.Running {
		t.Errorf("echo.service: %v, want running", st)
	}
	sts, _ := p.g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "echo.service")
	if len(sts) != 1 || !strings.Contains(string(sts[0].Args), `"pin":7`) {
		t.Errorf("echo.service status %+v, want args pin 7", sts)
	}
	if r := p.text(t, `services add nosuch '{"args": {"pin": 7}}'`); control.CodeOf(r.Err) != control.CodeNotFound {
		t.Errorf("add of an unknown service without exec: %v, want not_found", r.Err)
	}
}

// services load finds an entry added to the file by hand, and starts it
// (the seed's load did); --no-start only loads, and status says loaded.
func TestServicesLoadFindsNewEntryAndStarts(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	if err := os.WriteFile(p.cfg, []byte(`{"late": {"exec": {"argv": ["sleep", "30"]}}, "later": {"exec": {"argv": ["sleep", "30"]}}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := p.text(t, "services load late"); r.Err != nil {
		t.Fatalf("services load late: %v", r.Err)
	}
	if st := p.state(t, "late.service"); st != aioctl.Running {
		t.Errorf("late.service after load: %v, want running", st)
	}
	if r := p.text(t, "services load --no-start later"); r.Err != nil {
		t.Fatalf("services load --no-start later: %v", r.Err)
	}
	if st := p.state(t, "later.service"); st != aioctl.Scheduled {
		t.Errorf("later.service after load --no-start: %v, want not started", st)
	}
	r := p.text(t, "status later.service")
	if !strings.Contains(r.Text, "later.service: status: loaded") {
		t.Errorf("status of a loaded service not started:\n%s", r.Text)
	}
}

// services config accepts an exec entry for a name not defined yet.
func TestServicesConfigAcceptsExec(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "")
	if r := p.text(t, `services config cmd '{"exec": {"argv": ["sleep", "30"]}}'`); r.Err != nil {
		t.Fatalf("services config with exec: %v", r.Err)
	}
	if f := p.file(t); !strings.Contains(f, `"cmd"`) {
		t.Errorf("the file:\n%s", f)
	}
	if i := p.info(t, "cmd"); i.Load != aioservice.NotLoaded {
		t.Errorf("cmd after config: %+v", i)
	}
}

// services load all starts what it loads, and only that: a service the
// user stopped stays stopped.
func TestServicesLoadAllStartsOnlyWhatItLoads(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), `{"hello": {"enabled": true}}`+"\n")
	if r := p.text(t, "stop hello.service"); r.Err != nil {
		t.Fatal(r.Err)
	}
	if err := os.WriteFile(p.cfg, []byte(`{"hello": {"enabled": true}, "late": {"exec": {"argv": ["sleep", "30"]}}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := p.text(t, "services load all"); r.Err != nil {
		t.Fatalf("services load all: %v", r.Err)
	}
	if st := p.state(t, "late.service"); st != aioctl.Running {
		t.Errorf("late.service after load all: %v, want running", st)
	}
	if st := p.state(t, "hello.service"); st != aioctl.Stopped {
		t.Errorf("hello.service, stopped by the user, after load all: %v, want stopped", st)
	}
}

// services load --no-start of a schedule service, after the boot, only
// loads it: it is on no schedule until started (services boot).
func TestServicesLoadNoStartOfAScheduleService(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	if !scheduled(p, "world.service") {
		t.Fatal("world is not on its schedule after Up")
	}
	for _, l := range []string{"services unload world", "services load --no-start world"} {
		if r := p.text(t, l); r.Err != nil {
			t.Fatalf("%s: %v", l, r.Err)
		}
	}
	if scheduled(p, "world.service") {
		t.Error("services load --no-start put world on its schedule")
	}
	if r := p.text(t, "status world.service"); !strings.Contains(r.Text, "world.service: status: loaded") {
		t.Errorf("status:\n%s", r.Text)
	}
	if r := p.text(t, "services boot"); r.Err != nil || !strings.Contains(r.Text, "world") {
		t.Fatalf("services boot: %q %v", r.Text, r.Err)
	}
	if !scheduled(p, "world.service") {
		t.Error("services boot did not put world on its schedule")
	}
}

// Issue 12 walkthrough item 3: services load of a service loaded but not
// started starts it; of a running one it says so, without an error.
func TestServicesLoadStartsALoadedService(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	if err := os.WriteFile(p.cfg, []byte(`{"later": {"exec": {"argv": ["sleep", "30"]}}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := p.text(t, "services load --no-start later"); r.Err != nil {
		t.Fatalf("services load --no-start later: %v", r.Err)
	}
	r := p.text(t, "services load later")
	if r.Err != nil || !strings.Contains(r.Text, "started") {
		t.Fatalf("services load of a loaded service: %q %v", r.Text, r.Err)
	}
	if st := p.state(t, "later.service"); st != aioctl.Running {
		t.Errorf("later.service: %v, want running", st)
	}
	r = p.text(t, "services load later")
	if r.Err != nil || !strings.Contains(r.Text, "already loaded and running") {
		t.Errorf("services load of a running service: %q %v", r.Text, r.Err)
	}
}

// services get-config prints JSON as the README says JSON is printed:
// not HTML-escaped (a shell's "<b> & x" and ">&2" stay so); it printed
// "\u003cb\u003e \u0026 x". An escaped backslash before "u003c" typed
// as such stays as typed.
func TestServicesGetConfigIsNotHTMLEscaped(t *testing.T) {
	p := newSvcProgram(t, svcRegistry(), "{}\n")
	if r := p.text(t, `services add evil '{"exec": {"argv": ["sh", "-c", "echo \"<b> & x\" >&2; echo \\u003c; sleep 30"]}}'`); r.Err != nil {
		t.Fatalf("services add: %v", r.Err)
	}
	want := `"echo \"<b> & x\" >&2; echo \\u003c; sleep 30"`
	r := p.text(t, "services get-config evil")
	if r.Err != nil || !strings.Contains(r.Text, want) || strings.Contains(r.Text, `\u0026`) {
		t.Errorf("services get-config evil: %v\n%s\nwant %s", r.Err, r.Text, want)
	}
	if d := p.run(t, "services get-config evil").Data; !strings.Contains(fmt.Sprintf("%s", d), want) {
		t.Errorf("services get-config evil, the data: %s\nwant %s", d, want)
	}
}
