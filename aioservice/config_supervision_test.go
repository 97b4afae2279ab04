package aioservice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// "readiness" in the config declares that a service tells when it is
// ready (its function calls aioctl.Ready), and how long its dependents
// wait: db does not declare it in code, the config does, with 7s.
func TestConfigReadiness(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{"db": {"readiness": {"timeout": "7s"}}}`)
	r := NewRegistry()
	r.MustRegister(Define("db", func(ctx context.Context, _ struct{}) (string, error) {
		<-ctx.Done() // never ready
		return "", ctx.Err()
	}, struct{}{}))
	r.MustRegister(Define("app", nothing, struct{}{}, WithRequires("db")))
	out := &syncBuffer{}
	g := quietGroup(aioctl.WithClock(fc))
	m := NewManager(g, r, WithOutput(out), WithConfigFile(path), WithEnv(noEnv))
	t.Cleanup(func() { m.Close(context.Background()) })
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() { res <- m.Init(t.Context()) }()
	fc.WaitTimers(1, nil)
	fc.Advance(7 * time.Second)
	if err := <-res; err == nil || !strings.Contains(err.Error(), "was not ready within 7s") {
		t.Fatalf("err = %v, want db not ready within 7s\n%s", err, out)
	}
	if st := getConfig(t, m, "db"); !strings.Contains(st, `"readiness":{"timeout":"7s"}`) {
		t.Errorf("get-config: %s", st)
	}
}

func getConfig(t *testing.T, m *Manager, name string) string {
	t.Helper()
	raw, err := m.GetConfig(name)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// childrenApp runs app.service with children a, b and c put under
// SuperviseChildren with the spec the code passes (one_for_one, the
// default intensity), and config as the services.config. A failure is
// sent on fail[child]; restarts and a give-up are reported.
func childrenApp(t *testing.T, config string) (fail map[string]chan struct{}, restarted chan string, gaveUp chan error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, config)
	fail = map[string]chan struct{}{"a": make(chan struct{}, 1), "b": make(chan struct{}, 1), "c": make(chan struct{}, 1)}
	child := func(n string) aioctl.Func[struct{}, int] {
		return func(ctx context.Context, _ struct{}) (int, error) {
			select {
			case <-fail[n]:
				return 0, errors.New(n + " broke")
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
	}
	gaveUp = make(chan error, 1)
	supervised := make(chan error, 1)
	r := NewRegistry()
	r.MustRegister(Define("app", func(ctx context.Context, _ struct{}) (string, error) {
		for _, n := range []string{"a", "b", "c"} {
			if _, err := AddChild(ctx, n, child(n), struct{}{}); err != nil {
				return "", err
			}
		}
		_, err := SuperviseChildren(ctx, aioctl.SupervisorSpec{Strategy: aioctl.OneForOne, OnGiveUp: func(err error) { gaveUp <- err }})
		supervised <- err
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r, WithOutput(&syncBuffer{}), WithConfigFile(path), WithEnv(noEnv))
	t.Cleanup(func() { m.Close(context.Background()) })
	restarted = make(chan string, 10)
	t.Cleanup(g.Watch(func(e aioctl.Event) {
		if e.Cause == aioctl.CauseRestart {
			restarted <- e.Name
		}
	}))
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-supervised; err != nil {
		t.Fatal(err)
	}
	return fail, restarted, gaveUp
}

// "children" in the config sets the strategy that SuperviseChildren puts
// the service's children under, over the one the code passes: with
// rest_for_one, b's failure restarts b and c, not a.
func TestConfigChildrenStrategy(t *testing.T) {
	fail, restarted, _ := childrenApp(t, `{"app": {"children": {"strategy": "rest_for_one"}}}`)
	fail["b"] <- struct{}{}
	if got := []string{<-restarted, <-restarted}; got[0] != "app.service.b" || got[1] != "app.service.c" {
		t.Fatalf("restarted %v, want b then c", got)
	}
}

// "children": {"intensity": …} sets the restart intensity: with no restart
// allowed within a minute, the first failure makes the supervisor give
// up (the code's default would restart 3 times in 5 s); the strategy
// stays the code's.
func TestConfigChildrenIntensity(t *testing.T) {
	fail, _, gaveUp := childrenApp(t, `{"app": {"children": {"intensity": {"restarts": 0, "within": "1m"}}}}`)
	fail["a"] <- struct{}{}
	err := <-gaveUp
	var ge *aioctl.GaveUpError
	if !errors.As(err, &ge) || ge.Strategy != aioctl.OneForOne || ge.Intensity != (aioctl.Intensity{Restarts: 0, Period: time.Minute}) {
		t.Fatalf("gave up with %v (%+v), want one_for_one, 0 restarts within 1m", err, ge)
	}
}

// Wrong readiness and children keys are refused with the field and its
// place, as every config error is.
func TestConfigSupervisionErrors(t *testing.T) {
	cases := []struct{ text, field, msg string }{
		{`{"hello": {"readiness": ‸true}}`, "hello.readiness", "want an object, not a boolean"},
		{`{"hello": {"readiness": {"timeout": ‸"soon"}}}`, "hello.readiness.timeout", "invalid duration"},
		{`{"hello": {"readiness": {‸"timout": 5}}}`, "hello.readiness.timout", "unknown key (want one of timeout)"},
		{`{"hello": {"children": {"strategy": ‸"one_for_some"}}}`, "hello.children.strategy", `unknown strategy "one_for_some" (want one_for_one, one_for_all or rest_for_one)`},
		{`{"hello": {"children": {"strategy": ‸5}}}`, "hello.children.strategy", "want a string, not a number"},
		{`{"hello": {"children": {"intensity": {"restarts": ‸1e20, "within": "10s"}}}}`, "hello.children.intensity.restarts", "want an integer, not 1e20"},
		{`{"hello": {"children": {"intensity": {"restarts": ‸2.5, "within": "10s"}}}}`, "hello.children.intensity.restarts", "want an integer, not 2.5"},
		{`{"hello": {"children": {‸"strategie": "one_for_all"}}}`, "hello.children.strategie", "unknown key (want one of intensity, strategy)"},
		{`{"hello": {"children": {"intensity": {"restarts": ‸-1, "within": "10s"}}}}`, "hello.children.intensity.restarts", "want 0 or more"},
		{`{"hello": {"children": {"intensity": {"restarts": 3, "within": ‸0}}}}`, "hello.children.intensity.within", "want a duration above 0"},
		{`{"hello": {"children": {"intensity": {"restarts": 3‸}}}}`, "hello.children.intensity.within", "want a duration above 0"},
		{`{"hello": {"children": {"intensity": {‸"period": "3s"}}}}`, "hello.children.intensity.period", "unknown key (want one of restarts, within)"},
		{`{"hello": {"children": {"intensity": ‸[3, 10]}}}`, "hello.children.intensity", "want an object, not an array"},
		{`{"sh": {"exec": {"argv": ["true"]}, "readiness": ‸{"timeout": 5}}}`, "sh.readiness", "an exec service cannot tell when it is ready"},
		{`{"sh": {"exec": {"argv": ["true"]}, "children": ‸{"strategy": "one_for_all"}}}`, "sh.children", "an exec service has no children"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			text, line, col := marked(t, tc.text)
			path := filepath.Join(t.TempDir(), "services.config")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			m := NewManager(quietGroup(), testRegistry(), WithEnv(noEnv), WithConfigFile(path))
			err := m.reloadConfig()
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Field != tc.field || !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("err = %v\nwant field %s, a message with %q", err, tc.field, tc.msg)
			}
			if prefix := fmt.Sprintf("%s:%d:%d: ", path, line, col); !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want prefix %q", err, prefix)
			}
		})
	}
}
