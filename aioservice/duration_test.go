package aioservice

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// The config's durations (restart, stop_timeout, args) follow aioctl's
// one rule, and a bad one is reported with its place and field: a
// negative restart.delay used to become 1 s, a negative budget was
// accepted, and a bad duration in args was placed at the args object.
func TestConfigDurationsFollowTheOneRule(t *testing.T) {
	cases := []struct {
		name, text, field, msg string
	}{
		{"negative delay", "{\"hello\": {\"restart\": {\"mode\": \"always\", \"delay\": ‸-5}}}", "hello.restart.delay", "negative duration -5"},
		{"negative budget", "{\"hello\": {\"restart\": {\"mode\": \"always\",\n \"budget\": ‸-1}}}", "hello.restart.budget", "negative budget -1"},
		{"kwargs budget", "{\"hello\": {\"kwargs\": {\"restart\": {\"budget\": ‸-1}}}}", "hello.kwargs.restart.budget", "negative budget -1"},
		{"huge window", "{\"hello\": {\"restart\": {\"window\": ‸1e300}}}", "hello.restart.window", "duration 1e300 out of range"},
		{"jitter above 1", "{\"hello\": {\"restart\": {\"jitter\": ‸2}}}", "hello.restart.jitter", "out of range"},
		{"negative stop_timeout", "{\"hello\": {\"stop_timeout\": ‸-1}}", "hello.stop_timeout", "negative duration -1"},
		{"huge stop_timeout", "{\"hello\": {\"stop_timeout\": ‸1e300}}", "hello.stop_timeout", "out of range"},
		{"negative args.sleep", "{\"hello\": {\"args\": {\"pin\": 3,\n  \"sleep\": ‸-5}}}", "hello.args.sleep", "negative duration -5"},
		{"NaN args.every", "{\"blink\": {\"args\": {\"every\": ‸\"NaN\"}}}", "blink.args.every", "invalid duration"},
		{"nested time.Duration", "{\"blink\": {\"args\": {\"in\": {\"max\": ‸-1}}}}", "blink.args.in.max", "negative duration -1"},
		{"type error after a duration", "{\"blink\": {\"args\": {\"every\": 3, \"pin\": ‸\"x\"}}}", "blink.args.pin", "cannot use string as int"},
		{"schedule", "{\"world\": {\"schedule\": {‸\"repeat\": -90}}}", "world.schedule.repeat", "negative duration -90"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, line, col := marked(t, tc.text)
			path := filepath.Join(t.TempDir(), "services.config")
			writeFile(t, path, text)
			m := NewManager(quietGroup(), durationRegistry(), WithConfigFile(path))
			err := m.reloadConfig()
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Line != line || ce.Column != col || ce.Field != tc.field || !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("err = %v\nwant %d:%d: %s: …%s…", err, line, col, tc.field, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("%s:%d:%d: %s: ", path, line, col, tc.field)) {
				t.Errorf("Error() = %q", err)
			}
		})
	}
}

type blinkArgs struct {
	Pin   int           `json:"pin"`
	Every time.Duration `json:"every"`
	In    struct {
		Max time.Duration `json:"max"`
	} `json:"in"`
}

func durationRegistry() *Registry {
	r := testRegistry()
	r.MustRegister(Define("blink", func(context.Context, blinkArgs) (int, error) { return 0, nil },
		blinkArgs{Pin: 2, Every: time.Minute}))
	return r
}

// A time.Duration in a service's args given as a number in the config is
// seconds, as everywhere else (it was nanoseconds), and what status and
// get_config show ("1m0s") is read back as it is.
func TestConfigTimeDurationArgsAreSeconds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{"blink": {"args": {"every": 3, "in": {"max": "1m30s"}}, "restart": {"mode": "on-failure", "delay": 2}}}`)
	g := quietGroup()
	m := NewManager(g, durationRegistry(), WithConfigFile(path))
	if err := m.Load(t.Context(), "blink", true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("blink.service")
	a, _ := aioctl.Args[blinkArgs](task)
	if a.Every != 3*time.Second || a.In.Max != 90*time.Second || a.Pin != 2 {
		t.Errorf("args = %+v, want every 3s, max 1m30s, pin 2", a)
	}
	svc, _ := durationRegistry().get("blink")
	args, _ := svc.impl.decodeArgs(nil)
	def := string(svc.impl.argsJSON(args))
	if def != `{"every":"1m0s","in":{"max":"0s"},"pin":2}` {
		t.Errorf("default args shown as %s", def)
	}
	// The defaults as shown, written back, give the defaults.
	writeFile(t, path, `{"blink": {"args": `+def+`}}`)
	g2 := quietGroup()
	m2 := NewManager(g2, durationRegistry(), WithConfigFile(path))
	if err := m2.Load(t.Context(), "blink", true); err != nil {
		t.Fatal(err)
	}
	task2, _ := g2.Get("blink.service")
	if b, _ := aioctl.Args[blinkArgs](task2); b.Every != time.Minute || b.Pin != 2 {
		t.Errorf("round trip args = %+v", b)
	}
}
