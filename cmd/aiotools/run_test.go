package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// privateDir is a temporary directory only this user can enter, as the
// control socket requires.
func privateDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunServesConfiguredExecServices(t *testing.T) {
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "greeter": {"info": "says hello, then waits",
              "exec": {"argv": ["sh", "-c", "echo hello-from-exec; exec sleep 60"]}, "stop_timeout": "2s"},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "run.sock")
	w := &watchWriter{want: []string{"hello-from-exec", "control socket: " + sock}, ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- runServices(ctx, runConfig{Config: cfgPath, Socket: sock, Name: "runtest", LogBudget: 64 << 10, Out: w})
	}()
	select {
	case <-w.ready:
	case err := <-errc:
		cancel()
		t.Fatalf("run ended early: %v\n%s", err, w.String())
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("run never served:\n%s", w.String())
	}

	// Steer it as a user would: through the control socket.
	c, err := client.New(client.Options{Socket: sock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ExecLine(context.Background(), "status greeter.service", control.Options{})
	if err != nil || res.Exit != 0 || !strings.Contains(res.Text, "● greeter.service: status: running since") {
		t.Fatalf("status over the socket: %v %+v", err, res)
	}
	res, err = c.ExecLine(context.Background(), "log greeter", control.Options{})
	if err != nil || !strings.Contains(res.Text, "[greeter.service] hello-from-exec") {
		t.Fatalf("log over the socket: %v %+v", err, res)
	}

	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if out := w.String(); !strings.HasSuffix(out, "all services stopped\n") {
		t.Fatalf("did not stop cleanly:\n%s", out)
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
}

func TestRunRefusesABadConfigWithItsPosition(t *testing.T) {
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte("{\n  \"x\": {\"exec\": {\"argv\": 42}}\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &watchWriter{ready: make(chan struct{})}
	err := runServices(context.Background(), runConfig{Config: cfgPath, Socket: filepath.Join(dir, "s.sock"), Name: "bad", LogBudget: 4096, Out: w})
	var ce *aioservice.ConfigError
	if !errors.As(err, &ce) || ce.Line != 2 || !strings.Contains(err.Error(), cfgPath+":2:") {
		t.Fatalf("err = %v, want a config error at line 2", err)
	}
}

func TestExampleRunConfigIsValid(t *testing.T) {
	const file = "../../examples/run/services.config"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	env := func(string) (string, bool) { return "someone", true }
	if _, err := aioservice.ParseConfig(file, data, env); err != nil {
		t.Fatal(err)
	}
}

// `aiotools run -c typo.config` refuses to run, naming the file, rather than
// run the watcher alone without a word.
func TestRunRefusesAMissingConfig(t *testing.T) {
	dir := privateDir(t)
	missing := filepath.Join(dir, "typo.config")
	var out, errOut strings.Builder
	err := run([]string{"run", "-c", missing, "-socket", filepath.Join(dir, "s.sock")}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v, want %s named as missing", err, missing)
	}
	if strings.Contains(out.String(), "control socket") {
		t.Fatalf("it ran:\n%s", out.String())
	}
}

// `-c ""` (an unset variable: -c "$CONF") says the path is empty, rather
// than name a file with no name (": config file does not exist").
func TestRunRefusesAnEmptyConfigPath(t *testing.T) {
	dir := privateDir(t)
	var out, errOut strings.Builder
	err := run([]string{"run", "-c", "", "-socket", filepath.Join(dir, "s.sock")}, &out, &errOut)
	if err == nil || !strings.HasPrefix(err.Error(), `-c "": empty path`) {
		t.Fatalf("err = %v, want it to start with %q", err, `-c "": empty path`)
	}
	if strings.Contains(out.String(), "control socket") {
		t.Fatalf("it ran:\n%s", out.String())
	}
}

// A config that is a symlink to a missing file is refused too, naming the
// link and what it points to.
func TestRunRefusesADanglingSymlinkConfig(t *testing.T) {
	dir := privateDir(t)
	link := filepath.Join(dir, "services.config")
	if err := os.Symlink("gone.config", link); err != nil {
		t.Skip(err)
	}
	w := &watchWriter{ready: make(chan struct{})}
	err := runServices(context.Background(), runConfig{Config: link, Socket: filepath.Join(dir, "s.sock"), Name: "dangling", LogBudget: 4096, Out: w})
	if err == nil || !strings.Contains(err.Error(), link) || !strings.Contains(err.Error(), "gone.config") {
		t.Fatalf("err = %v, want the link and its target named", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced (%v)", err)
	}
}

// Without -c and without a services.config, run says that it runs the
// built-in services only.
func TestRunWithoutAConfigSaysSo(t *testing.T) {
	dir := privateDir(t)
	sock := filepath.Join(dir, "run.sock")
	w := &watchWriter{want: []string{"control socket: " + sock}, ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	cfgPath := filepath.Join(dir, "services.config")
	go func() {
		errc <- runServices(ctx, runConfig{Config: cfgPath, Default: true, Socket: sock, Name: "noconfig", LogBudget: 4096, Out: w})
	}()
	select {
	case <-w.ready:
	case err := <-errc:
		cancel()
		t.Fatalf("run ended early: %v\n%s", err, w.String())
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("run never served:\n%s", w.String())
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if !strings.Contains(out, "no "+cfgPath+": running the built-in services only (watcher)") {
		t.Fatalf("no word of the missing config:\n%s", out)
	}
	// The start lines name the config and the socket a line each, as the
	// demo's: one line with both went past 80 columns (113 for a
	// /tmp/… socket).
	want := "aiotools run: " + cfgPath + "\ncontrol socket: " + sock + "\n  aioctl --socket " + sock + " status\n"
	if !strings.Contains(out, want) {
		t.Fatalf("start lines: want\n%s\nin\n%s", want, out)
	}
	if len(sock) <= 55 { // what fits beside "  aioctl --socket … status"
		fits80(t, "run start", want[strings.Index(want, "\n")+1:])
	}
}

// `aiotools run -c DEVICE` refuses to run, naming it, rather than take the
// device for an empty config and replace it with a file on the first edit.
func TestRunRefusesADeviceConfig(t *testing.T) {
	dir := privateDir(t)
	dev := filepath.Join(dir, "nulldev")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod: %v", err)
	}
	var out, errOut strings.Builder
	err := run([]string{"run", "-c", dev, "-socket", filepath.Join(dir, "s.sock")}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), dev) || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v, want %s refused as not a regular file", err, dev)
	}
	if strings.Count(err.Error(), dev) > 2 {
		t.Errorf("err = %v names the file more than needed", err)
	}
	if strings.Contains(out.String(), "control socket") {
		t.Fatalf("it ran:\n%s", out.String())
	}
}
