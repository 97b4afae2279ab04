package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

type helloArgs struct {
	Pin int `json:"pin"`
}

// withServices gives the program a service manager with hello (runtime),
// network (core), time (core, requires network) and dofail (fails to load).
func withServices(t *testing.T, p *program) *aioservice.Manager {
	t.Helper()
	reg := aioservice.NewRegistry()
	run := func(ctx context.Context, a helloArgs) (int, error) { <-ctx.Done(); return a.Pin, nil }
	once := func(ctx context.Context, a helloArgs) (int, error) { return a.Pin, nil }
	reg.MustRegister(aioservice.Define("hello", run, helloArgs{Pin: 2}, aioservice.WithInfo("Hello example runner v1.0")))
	reg.MustRegister(aioservice.Define("network", once, helloArgs{}, aioservice.WithType(aioservice.Core)))
	reg.MustRegister(aioservice.Define("time", once, helloArgs{}, aioservice.WithType(aioservice.Core), aioservice.WithRequires("network")))
	reg.MustRegister(aioservice.Define("dofail", run, helloArgs{}, aioservice.WithOnLoad(func(ctx context.Context, a helloArgs) error {
		return errors.New("division by zero")
	})))
	cfg := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(cfg, []byte(`{"hello": {"enabled": true, "args": {"pin": 3}}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := aioservice.NewManager(p.g, reg, aioservice.WithConfigFile(cfg), aioservice.WithOutput(io.Discard))
	ctx := ctxT(t)
	m.Up(ctx) // dofail's failure is expected
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
	})
	return m
}

func TestServicesVerbs(t *testing.T) {
	p := newProgram(t)
	m := withServices(t, p)
	in, _ := control.NewInterp(control.Components{Group: p.g, Log: p.ring, Services: m})
	ctx := ctxT(t)
	run := func(line string, json bool) *control.Result {
		t.Helper()
		return in.ExecLine(ctx, line, control.Options{JSON: json})
	}
	r := run("services list", false)
	if r.Err != nil || !strings.Contains(r.Text, "hello.service") || !strings.Contains(r.Text, "Hello example runner v1.0") {
		t.Fatalf("services list: %q %v", r.Text, r.Err)
	}
	if list := run("services list", true).Data.([]aioservice.Info); len(list) != 4 {
		t.Errorf("services list JSON: %d entries", len(list))
	}
	r = run("services status", false)
	if !strings.Contains(r.Text, "[ OK ] Service: hello.service from ") || !strings.Contains(r.Text, "[ ERROR ] Service: dofail.service") {
		t.Errorf("services status: %q", r.Text)
	}
	if r := run("services status hello.service", false); strings.Contains(r.Text, "dofail") || !strings.Contains(r.Text, "hello.service") {
		t.Errorf("services status hello.service: %q", r.Text)
	}
	if r := run("services traceback dofail", false); !strings.Contains(r.Text, "division by zero") {
		t.Errorf("services traceback: %q", r.Text)
	}
	r = run("services get-config hello", true)
	if cfg := r.Data.(map[string]json.RawMessage); !strings.Contains(string(cfg["hello"]), `"pin": 3`) {
		t.Errorf("get-config hello: %s", cfg["hello"])
	}
	if r := run("services disable hello", false); r.Err != nil || r.Text != "disabled: hello\n" {
		t.Errorf("disable: %q %v", r.Text, r.Err)
	}
	if r := run("services get-config hello", false); !strings.Contains(r.Text, `"enabled": false`) {
		t.Errorf("after disable: %q", r.Text)
	}
	if r := run("services enable hello", false); r.Err != nil {
		t.Errorf("enable: %v", r.Err)
	}
	if r := run(`services config hello {"args": {"pin": 9}}`, false); r.Err != nil {
		t.Errorf("config: %v", r.Err)
	}
	if r := run("services get-config hello", false); !strings.Contains(r.Text, `"pin": 9`) {
		t.Errorf("after config: %q", r.Text)
	}
	for _, bad := range []string{`services config hello {"args": {"pin": "x"}}`, `services config hello {"color": 1}`, `services config hello [1]`, `services config hello* {}`} {
		if r := run(bad, false); r.Err == nil || r.Err.Code != control.CodeBadArgument {
			t.Errorf("%s: %v", bad, r.Err)
		}
	}
	if r := run("services get-config hello", false); !strings.Contains(r.Text, `"pin": 9`) {
		t.Errorf("a refused config changed the file: %q", r.Text)
	}
	r = run("boot order", true)
	bo := r.Data.(aioservice.BootOrder)
	if strings.Join(bo.Core, " ") != "network time" {
		t.Errorf("boot order %+v", bo)
	}
	if r := run("boot order", false); !strings.HasPrefix(r.Text, "[ Booting ] Order: --> network --> time\n") { // the seed's line
		t.Errorf("boot order text %q", r.Text)
	}
	if r := run("services unload hello", false); r.Err != nil || r.Text != "unloaded: hello\n" {
		t.Errorf("unload: %q %v", r.Text, r.Err)
	}
	if _, ok := p.g.Get("hello.service"); ok {
		t.Errorf("hello.service still in the group after unload")
	}
	if r := run("services load hello", false); r.Err != nil || r.Text != "loaded and started: hello\n" {
		t.Errorf("load: %q %v", r.Text, r.Err)
	}
	if _, ok := p.g.Get("hello.service"); !ok {
		t.Errorf("hello.service not in the group after load")
	}
	if r := run("services load nosuch", false); r.Err == nil || r.Err.Code != control.CodeNotFound {
		t.Errorf("load nosuch: %v", r.Err)
	}
	if r := run("names services", true); strings.Join(r.Data.([]string), " ") != "hello network time dofail" {
		t.Errorf("service names %v", r.Data)
	}
}
