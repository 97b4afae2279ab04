package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildAioctl builds the aioctl binary into a test's temp directory.
func buildAioctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "aioctl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type pinArgs struct {
	Pin int `json:"pin"`
}

// program is the program under control, run inside the test: tasks blink
// (running, logs "LED <pin> toggled"), answer (done, 42), dofail (error),
// hello and hello_1 (running); a scheduled task world; a service hello.
type program struct {
	g     *aioctl.Group
	ring  *aiolog.Ring
	srv   *control.Server
	sock  string
	ticks chan struct{}
}

func startProgram(t *testing.T, cfg control.Config) *program {
	t.Helper()
	p := &program{ring: aiolog.New(64 << 10), ticks: make(chan struct{}, 100)}
	p.g = aioctl.NewGroup(aioctl.WithLogSource(p.ring), aioctl.WithLogger(slog.New(p.ring.Handler(nil))))
	blink := func(ctx context.Context, a pinArgs) (int, error) {
		aioctl.Logger(ctx).Info("LED toggled", "pin", a.Pin)
		select {
		case p.ticks <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return a.Pin, nil
	}
	wait := func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil }
	aioctl.MustAdd(p.g, blink, pinArgs{Pin: 2}, aioctl.WithName("blink"))
	answer := aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return n * 2, nil }, 21, aioctl.WithName("answer"))
	dofail := aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return 0, errors.New("division by zero") }, 0, aioctl.WithName("dofail"))
	aioctl.MustAdd(p.g, wait, struct{}{}, aioctl.WithName("hello"))
	aioctl.MustAdd(p.g, wait, struct{}{}, aioctl.WithName("hello"))
	<-p.ticks
	<-answer.Done()
	<-dofail.Done()

	sched := aioschedule.New(p.g)
	if _, err := aioschedule.Add(sched, func(ctx context.Context, _ struct{}) (int, error) { return 1, nil }, struct{}{},
		aioschedule.Spec{StartIn: time.Hour, Repeat: time.Hour}, aioctl.WithName("world")); err != nil {
		t.Fatal(err)
	}
	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("svc", wait, struct{}{}, aioservice.WithInfo("a test service")))
	mgr := aioservice.NewManager(p.g, reg, aioservice.WithOutput(io.Discard))
	if err := mgr.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		mgr.Close(ctx)
		sched.Close()
		p.g.Close(ctx)
	})
	cfg.Components = control.Components{Group: p.g, Log: p.ring, Scheduler: sched, Services: mgr}
	if cfg.Socket == "" {
		cfg.Socket = filepath.Join(t.TempDir(), "run", "ctl.sock")
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := control.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p.srv, p.sock = srv, srv.SocketPath()
	return p
}

type outcome struct {
	stdout, stderr string
	exit           int
}

func runBin(t *testing.T, bin string, env []string, args ...string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// The socket search must see only what the test made: a program the
	// user runs meanwhile (its socket under ~/.local/state) is not the
	// test's. A test's env may set these again (later entries win).
	isolated := []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + t.TempDir(), "AIOTOOLS_SOCKET="}
	cmd.Env = append(append(os.Environ(), isolated...), env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	o := outcome{so.String(), se.String(), 0}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		o.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aioctl %q: %v", args, err)
	}
	return o
}

func TestAioctlBinary(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	sock := []string{"--socket", p.sock}
	cases := []struct {
		args   []string
		out    string // in stdout
		errOut string // in stderr
		exit   int
	}{
		{[]string{"status"}, "● blink: status: running since ", "", 0},
		{[]string{"status", "blink"}, "[INFO] [blink] LED toggled pin=2", "", 0},
		{[]string{"status", "hello*"}, "● hello_1: status: running", "", 0},
		{[]string{"status", "answer"}, "● answer: status: done @ ", "", 3},
		{[]string{"status", "blink", "answer"}, "● blink", "", 3},
		{[]string{"status", "nosuch"}, "", `no task matches "nosuch" (not_found)`, 4},
		{[]string{"status", "blink", "debug"}, "┗━► args: {\"pin\":2}", "", 0},
		{[]string{"status", "--debug", "dofail"}, "┗━► traceback: Error: division by zero", "", 3},
		{[]string{"is-active", "blink"}, "active\n", "", 0},
		{[]string{"is-active", "dofail"}, "failed\n", "", 3},
		{[]string{"is-active", "nosuch"}, "", "not_found", 4},
		{[]string{"result", "answer"}, "answer: 42\n", "", 0},
		{[]string{"traceback"}, "● dofail: Error: division by zero", "", 0},
		{[]string{"debug"}, "debug mode on", "", 0},
		{[]string{"debug", "off"}, "debug mode off", "", 0},
		{[]string{"log", "LED"}, "[blink] LED toggled pin=2", "", 0},
		{[]string{"log", "-n", "1", "--task", "blink"}, "LED toggled", "", 0},
		{[]string{"log", "--level", "LOUD"}, "", "bad_argument", 2},
		{[]string{"log", "level", "blink", "DEBUG"}, "blink  DEBUG set\n", "", 0}, // "log" is a verb and a group
		{[]string{"log", "level", "blink", "LOUD"}, "", `unknown level "LOUD"`, 2},
		{[]string{"schedule", "list"}, "world: ", "", 0},
		{[]string{"schedule", "next"}, "  world\n", "", 0},
		{[]string{"services", "list"}, "svc.service", "", 0},
		{[]string{"services", "status"}, "[ OK ] Service: svc.service", "", 0},
		{[]string{"services", "get-config", "svc"}, "svc.service: {", "", 0},
		{[]string{"services", "traceback"}, "no traceback", "", 0},
		{[]string{"services", "enable", "svc"}, "", "not_available", 1}, // no config file
		{[]string{"boot", "order"}, "[ Starting ] Order: --> svc", "", 0},
		{[]string{"stop", "../etc/passwd"}, "", "bad_argument", 2},
		{[]string{"stop"}, "", "takes at least 1 argument, got 0", 2},
		{[]string{"frobnicate"}, "", "unknown verb", 2},
		{[]string{"-o", "yaml", "status"}, "", "--output must be text or json", 2}, // a usage error
		{[]string{"set", "args", "blink", `{"pin": 5}`}, "blink", "", 0},
		{[]string{"set", "args", "blink", `{"pin":`, `6}`}, "blink", "", 0}, // split by the shell
		{[]string{"set", "args", "blink", `{"pin": "x"}`}, "", "bad_argument", 2},
		{[]string{"stop", "blink"}, "stopped: blink\n", "", 0},
		{[]string{"is-active", "blink"}, "inactive\n", "", 3},
		{[]string{"start", "blink"}, "started: blink\n", "", 0},
		{[]string{"restart", "hello"}, "restarted: hello\n", "", 0},
		{[]string{"delete", "hello_1"}, "deleted: hello_1\n", "", 0},
		{[]string{"status", "hello_1"}, "", "not_found", 4},
		{[]string{"__complete", "stop", ""}, "blink\nanswer\n", "", 0},
		{[]string{"__complete", "services", "get-config", ""}, "svc\n", "", 0},
		{[]string{"__complete", "sta"}, "start", "", 0},
	}
	for _, c := range cases {
		o := runBin(t, bin, nil, append(sock, c.args...)...)
		if !strings.Contains(o.stdout, c.out) || !strings.Contains(o.stderr, c.errOut) || o.exit != c.exit {
			t.Errorf("aioctl %q: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, %q, %q", c.args, o.exit, o.stdout, o.stderr, c.exit, c.out, c.errOut)
		}
		if strings.Contains(o.stdout, "\x1b[") {
			t.Errorf("aioctl %q: colours on a pipe", c.args)
		}
	}
	<-p.ticks // blink restarted with pin 6
	if o := runBin(t, bin, nil, append(sock, "log", "-n", "1", "-t", "blink")...); !strings.Contains(o.stdout, "pin=6") {
		t.Errorf("set args through the CLI did not reach the task: %q", o.stdout)
	}
	// clone's optional NAME and JSON, the JSON split by the shell.
	for _, c := range [][]string{{"clone", "blink", `{"pin":`, `7}`}, {"clone", "blink", "led", `{"pin":`, `8}`}} {
		if o := runBin(t, bin, nil, append(sock, c...)...); o.exit != 0 || !strings.Contains(o.stdout, "cloned blink as ") {
			t.Errorf("aioctl %q: exit %d %q %q", c, o.exit, o.stdout, o.stderr)
		}
	}
	if o := runBin(t, bin, nil, append(sock, "status", "led", "--debug")...); !strings.Contains(o.stdout, `args: {"pin":8}`) {
		t.Errorf("the clone's arguments: %q", o.stdout)
	}

	// JSON for every verb kind, with the same exit codes.
	o := runBin(t, bin, nil, append(sock, "-o", "json", "status", "blink", "answer")...)
	var sts []aioctl.TaskStatus
	if err := json.Unmarshal([]byte(o.stdout), &sts); err != nil || len(sts) != 2 || sts[0].State != aioctl.Running || o.exit != 3 {
		t.Errorf("status JSON: exit %d %v %q", o.exit, err, o.stdout)
	}
	for _, args := range [][]string{{"is-active", "blink"}, {"result"}, {"traceback"}, {"log"}, {"schedule", "list"},
		{"services", "list"}, {"boot", "order"}, {"debug", "off"}, {"names", "tasks"}, {"stop", "nosuch"}} {
		o := runBin(t, bin, nil, append(append(sock, "-o", "json"), args...)...)
		if !json.Valid([]byte(o.stdout)) || o.stdout == "" {
			t.Errorf("aioctl -o json %q: not JSON: %q %q", args, o.stdout, o.stderr)
		}
	}
	o = runBin(t, bin, nil, append(sock, "-o", "json", "stop", "nosuch")...)
	if !strings.Contains(o.stdout, `"names": []`) || !strings.Contains(o.stdout, `"code": "not_found"`) || o.exit != 4 {
		t.Errorf("JSON error: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	o = runBin(t, bin, nil, append(sock, "-o", "json", "frobnicate")...)
	if o.exit != 2 || !strings.Contains(o.stdout, `"code": "unknown_verb"`) {
		t.Errorf("JSON unknown verb: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	o = runBin(t, bin, nil, append(sock, "-o", "json", "services", "load", "nosuch")...)
	if o.exit != 4 || !json.Valid([]byte(o.stdout)) || !strings.Contains(o.stdout, `"code": "not_found"`) {
		t.Errorf("JSON load nosuch: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}

	// The socket from the environment.
	if o := runBin(t, bin, []string{"AIOCTL_SOCKET=" + p.sock}, "is-active", "blink"); o.exit != 0 {
		t.Errorf("AIOCTL_SOCKET: exit %d %q", o.exit, o.stderr)
	}
	// No program there.
	if o := runBin(t, bin, nil, "--socket", filepath.Join(t.TempDir(), "none.sock"), "status"); o.exit != 1 || !strings.Contains(o.stderr, "none.sock") {
		t.Errorf("no program: exit %d %q", o.exit, o.stderr)
	}
	// Shell completion scripts come from cobra.
	if o := runBin(t, bin, nil, "completion", "bash"); o.exit != 0 || !strings.Contains(o.stdout, "__start_aioctl") {
		t.Errorf("completion bash: exit %d", o.exit)
	}
}

func TestAioctlTCPToken(t *testing.T) {
	bin := buildAioctl(t)
	const token = "s3cret-token-0123456789"
	p := startProgram(t, control.Config{Addr: "127.0.0.1:0", Token: token})
	addr := p.srv.Addr().String()
	if o := runBin(t, bin, []string{"AIOCTL_TOKEN=" + token}, "--addr", addr, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Errorf("right token: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	for _, tok := range []string{"", "wrong-token-0123456789"} {
		o := runBin(t, bin, []string{"AIOCTL_TOKEN="}, "--addr", addr, "--token", tok, "stop", "blink")
		if o.exit != 1 || !strings.Contains(o.stderr, "unauthorized") {
			t.Errorf("token %q: exit %d %q", tok, o.exit, o.stderr)
		}
	}
	if st, _ := p.g.Get("blink"); st.State() != aioctl.Running {
		t.Errorf("blink stopped without the token")
	}
}

// TestAioctlFollow: log -f prints lines as they come, until SIGINT.
func TestAioctlFollow(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	for _, args := range [][]string{{"log", "-f", "LED"}, {"follow", "--task", "blink", "-n", "1"}} {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bin, append([]string{"--socket", p.sock}, args...)...)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(out)
		// Both replay the last line first: then the stream is attached.
		if l, err := r.ReadString('\n'); err != nil || !strings.Contains(l, "LED toggled pin=2") {
			t.Fatalf("%q replay: %q %v", args, l, err)
		}
		if _, err := p.srv.Interp().Exec(ctx, []string{"restart", "blink"}, control.Options{}), error(nil); err != nil {
			t.Fatal(err)
		}
		if l, err := r.ReadString('\n'); err != nil || !strings.Contains(l, "[blink] LED toggled") {
			t.Fatalf("%q new line: %q %v", args, l, err)
		}
		cmd.Process.Signal(syscall.SIGINT)
		io.Copy(io.Discard, r)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%q after Ctrl-C: %v", args, err)
		}
		cancel()
	}
}

// TestFindSocketOnlyInPrivateDirs: without --socket, aioctl looks in the
// socket directories, and only trusts one that belongs to its user and
// that nobody else can enter: another user who made
// $TMPDIR/aiotools-UID first must not get aioctl's commands.
func TestFindSocketOnlyInPrivateDirs(t *testing.T) {
	bin := buildAioctl(t)
	run := filepath.Join(t.TempDir(), "xdg")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(run, "aiotools")
	p := startProgram(t, control.Config{Socket: filepath.Join(dir, "prog.sock")})
	env := []string{"XDG_RUNTIME_DIR=" + run, "TMPDIR=" + t.TempDir(), "AIOCTL_SOCKET=", "AIOCTL_ADDR="}
	if o := runBin(t, bin, env, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Fatalf("socket found in a private directory: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	o := runBin(t, bin, env, "stop", "blink")
	if o.exit != 1 || !strings.Contains(o.stderr, dir) || !strings.Contains(o.stderr, "0777") {
		t.Errorf("socket in a directory others can enter: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	if st, _ := p.g.Get("blink"); st.State() != aioctl.Running {
		t.Errorf("blink stopped through a socket in a directory others can enter")
	}
}

// TestAioctlAddrReadsTokenFile: a program on loopback TCP without a given
// token keeps a generated one beside its socket; aioctl --addr finds it
// there (the one whose address matches), so the same user needs no flag.
func TestAioctlAddrReadsTokenFile(t *testing.T) {
	bin := buildAioctl(t)
	run := filepath.Join(t.TempDir(), "xdg")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(run, "aiotools")
	other := startProgram(t, control.Config{Socket: filepath.Join(dir, "other.sock"), Addr: "127.0.0.1:0"})
	p := startProgram(t, control.Config{Socket: filepath.Join(dir, "prog.sock"), Addr: "127.0.0.1:0"})
	env := []string{"XDG_RUNTIME_DIR=" + run, "TMPDIR=" + t.TempDir(), "AIOCTL_SOCKET=", "AIOCTL_ADDR=", "AIOCTL_TOKEN="}
	for _, srv := range []*control.Server{p.srv, other.srv} {
		_, port, _ := net.SplitHostPort(srv.Addr().String())
		for _, addr := range []string{srv.Addr().String(), "localhost:" + port} {
			if o := runBin(t, bin, env, "--addr", addr, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
				t.Errorf("--addr %s without a token: exit %d %q %q", addr, o.exit, o.stdout, o.stderr)
			}
		}
	}
	// A wrong --token is not replaced by the file's.
	if o := runBin(t, bin, env, "--addr", p.srv.Addr().String(), "--token", "wrong-token-0123456789", "is-active", "blink"); o.exit != 1 || !strings.Contains(o.stderr, "unauthorized") {
		t.Errorf("wrong --token: exit %d %q", o.exit, o.stderr)
	}
}

// TestAioctlTLS: --cacert makes aioctl speak TLS and trust that
// certificate (the documented self-signed pair).
func TestAioctlTLS(t *testing.T) {
	bin := buildAioctl(t)
	certFile, cert := writeSelfSigned(t)
	const token = "s3cret-token-0123456789"
	p := startProgram(t, control.Config{Addr: "127.0.0.1:0", Token: token, TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	env := []string{"AIOCTL_TOKEN=" + token, "AIOCTL_CACERT="}
	addr := p.srv.Addr().String()
	if o := runBin(t, bin, env, "--addr", addr, "--cacert", certFile, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Errorf("--cacert: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	if o := runBin(t, bin, append(env, "AIOCTL_CACERT="+certFile), "--addr", addr, "is-active", "blink"); o.exit != 0 {
		t.Errorf("AIOCTL_CACERT: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	if o := runBin(t, bin, env, "--addr", addr, "--tls", "is-active", "blink"); o.exit != 1 || !strings.Contains(o.stderr, "certificate") {
		t.Errorf("--tls without trusting the certificate: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
}

// writeSelfSigned writes a certificate for 127.0.0.1 as PEM and returns
// its file and the pair.
func writeSelfSigned(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "aiotools test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestFindSocketInFallbackDir: when another user made $TMPDIR/aiotools-UID
// first, a program puts its socket in $HOME/.local/state/aiotools/run,
// and aioctl finds it there without flags (and never uses the other's).
func TestFindSocketInFallbackDir(t *testing.T) {
	bin := buildAioctl(t)
	tmp, home := t.TempDir(), t.TempDir()
	taken := filepath.Join(tmp, "aiotools-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(taken, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(taken, os.Getuid()+4242, os.Getgid()+4242); err != nil {
		t.Skip("cannot make a directory of another user:", err)
	}
	p := startProgram(t, control.Config{Socket: filepath.Join(home, ".local", "state", "aiotools", "run", "prog.sock")})
	env := []string{"XDG_RUNTIME_DIR=", "XDG_STATE_HOME=", "TMPDIR=" + tmp, "HOME=" + home, "AIOCTL_SOCKET=", "AIOCTL_ADDR="}
	if o := runBin(t, bin, env, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Fatalf("socket in the fallback directory: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	if st, _ := p.g.Get("blink"); st.State() != aioctl.Running {
		t.Errorf("blink not running")
	}
}
