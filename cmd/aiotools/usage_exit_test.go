package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUsageErrorsExit2 (aiotools): a mistake on the command line exits 2,
// as aioctl's do, and says what is wrong in a few lines, not under the
// whole flag list; -h still lists every flag, with exit 0.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "-nope"}, {"demo", "-every", "0"}, {"demo", "-for", "-5s"}, {"demo", "-every", "fast"},
		{"run", "-nope"}, {"run", "my.config"}, {"broker", "-nope"}, {"nosuch"}, {},
	} {
		var out, errs strings.Builder
		err := run(args, &out, &errs)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%q: err %v, exit %d, want 2", args, err, exitCode(err))
			continue
		}
		if len(args) > 0 && args[0] != "nosuch" && strings.Count(errs.String(), "\n") > 3 {
			t.Errorf("%q: %d lines on stderr before the message:\n%s", args, strings.Count(errs.String(), "\n"), errs.String())
		}
	}
	var out, errs strings.Builder
	if err := run([]string{"demo", "-h"}, &out, &errs); err != nil || !strings.Contains(errs.String(), "-every") {
		t.Errorf("demo -h: %v\n%s", err, errs.String())
	}
}

// TestBadFlagValuesRefusedBeforeStart: a flag value the program cannot
// run with is a usage error (exit 2) naming the flag and what it takes,
// given before anything starts: no exec command runs, nothing is printed
// on stdout, no broker listens. -web and -metrics were refused only once
// every service had booted (exit 1), -fleet -2 ran the ordinary demo,
// -log-budget -5 ran with a 256-byte log, broker ignored a stray argument,
// and demo -fleet ignored -console (stdin at EOF did not stop it).
func TestBadFlagValuesRefusedBeforeStart(t *testing.T) {
	dir := privateDir(t)
	mark := filepath.Join(dir, "started")
	cfg := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfg, []byte(`{
  "core": {"type": "core.service", "exec": {"argv": ["sh", "-c", "touch `+mark+`"]}},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "ctl.sock")
	runArgs := func(more ...string) []string { return append([]string{"run", "-c", cfg, "-socket", sock}, more...) }
	// -for bounds the demo should a flag be ignored, as it was.
	demoArgs := func(more ...string) []string {
		return append([]string{"demo", "-socket", sock, "-for", "20s"}, more...)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{runArgs("-web", "nonsense"), []string{`-web "nonsense": want HOST:PORT`, "aiotools run -h"}},
		{runArgs("-web", "127.0.0.1:99999"), []string{`-web "127.0.0.1:99999"`, "port"}},
		{runArgs("-web", "0.0.0.0:8080"), []string{`-web "0.0.0.0:8080"`, "loopback only"}},
		{runArgs("-metrics", "0.0.0.0:9464"), []string{`-metrics "0.0.0.0:9464"`, "loopback", "127.0.0.1:9464"}},
		{runArgs("-metrics", "nonsense"), []string{`-metrics "nonsense": want HOST:PORT`}},
		{runArgs("-log-budget", "-5"), []string{"-log-budget -5", "256 to 2147483647"}},
		{runArgs("-log-budget", "100"), []string{"-log-budget 100", "256 to"}},
		{runArgs("-error-level", "loud"), []string{"-error-level", "loud"}},
		{runArgs("-error-log-size", "0"), []string{"-error-log-size"}},
		{demoArgs("-web", "0.0.0.0:0"), []string{`-web "0.0.0.0:0"`, "loopback only", "aiotools demo -h"}},
		{demoArgs("-metrics", "0.0.0.0:9464"), []string{`-metrics "0.0.0.0:9464"`, "loopback"}},
		{demoArgs("-error-level", "loud"), []string{"-error-level", "loud"}},
		{demoArgs("-fleet", "-2"), []string{"-fleet -2", "0 (no fleet) or 1 to 1000"}},
		{demoArgs("-fleet", "1001"), []string{"-fleet 1001", "1 to 1000"}},
		{demoArgs("-fleet", "2", "-console"), []string{"-fleet", "-console", "aioctl --broker"}},
		{demoArgs("-fleet", "2", "-web", "127.0.0.1:0"), []string{"-fleet", "-web"}},
		{demoArgs("-broker", "mqtt://127.0.0.1:1"), []string{"-broker", "-fleet"}},
		{[]string{"broker", "extra"}, []string{`"extra"`, "-listen"}},
		{[]string{"broker", "-listen", "nonsense"}, []string{`-listen "nonsense": want HOST:PORT`}},
		{[]string{"broker", "-listen", "127.0.0.1:70000"}, []string{`-listen "127.0.0.1:70000"`, "port"}},
	} {
		var out, errs strings.Builder
		done := make(chan error, 1)
		go func() { done <- run(tc.args, &out, &errs) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second): // a usage error comes at once
			t.Fatalf("%q still runs after 30s: the flag was not refused", tc.args)
		}
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%q: err %v, exit %d, want a usage error (2)", tc.args, err, exitCode(err))
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v\nwant it to say %q", tc.args, err, w)
			}
		}
		if out.Len() > 0 {
			t.Errorf("%q: printed on stdout before refusing (it started):\n%s", tc.args, out.String())
		}
		if _, err := os.Stat(mark); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%q: an exec service ran before the flag was refused", tc.args)
		}
	}
}
