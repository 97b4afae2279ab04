package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// impostor is another user's HTTP listener on addr: it records every
// Authorization header it is sent.
type impostor struct {
	mu   sync.Mutex
	auth []string
}

func listenImpostor(t *testing.T, addr string) (*impostor, bool) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Logf("no impostor on %s: %v", addr, err)
		return nil, false
	}
	imp := &impostor{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		imp.mu.Lock()
		imp.auth = append(imp.auth, r.Header.Get("Authorization"))
		imp.mu.Unlock()
		http.Error(w, `{"error":"no"}`, http.StatusUnauthorized)
	})}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(l) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return imp, true
}

// TestAioctlAddrTokenOnlyToItsAddress: the token file of a program on
// 127.0.0.1:P is never sent to another loopback listener on the same port
// (another user's on [::1]:P or 127.0.0.2:P), and localhost:P reaches the
// file's own address whatever localhost resolves to first.
func TestAioctlAddrTokenOnlyToItsAddress(t *testing.T) {
	bin := buildAioctl(t)
	run := filepath.Join(t.TempDir(), "xdg")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	p := startProgram(t, control.Config{Socket: filepath.Join(run, "aiotools", "prog.sock"), Addr: "127.0.0.1:0"})
	tok, _, err := control.ReadTokenFile(p.srv.TokenPath())
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(p.srv.Addr().String())
	env := []string{"XDG_RUNTIME_DIR=" + run, "TMPDIR=" + t.TempDir(), "AIOCTL_SOCKET=", "AIOCTL_ADDR=", "AIOCTL_TOKEN="}
	tried := 0
	for _, host := range []string{"::1", "127.0.0.2"} {
		addr := net.JoinHostPort(host, port)
		imp, ok := listenImpostor(t, addr)
		if !ok {
			continue
		}
		tried++
		o := runBin(t, bin, env, "--addr", addr, "status")
		if o.exit == 0 {
			t.Errorf("--addr %s reached no program but succeeded: %q", addr, o.stdout)
		}
		imp.mu.Lock()
		for _, a := range imp.auth {
			if a == "Bearer "+tok {
				t.Errorf("--addr %s: the token of 127.0.0.1:%s was sent to the listener there", addr, port)
			}
		}
		imp.mu.Unlock()
	}
	if tried == 0 {
		t.Skip("neither ::1 nor 127.0.0.2 can be listened on here")
	}
	// localhost dials the file's address (127.0.0.1), not an impostor on ::1.
	if o := runBin(t, bin, env, "--addr", "localhost:"+port, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Errorf("--addr localhost:%s: exit %d %q %q", port, o.exit, o.stdout, o.stderr)
	}
}

// aioctl finds the socket `aiotools run` was given by $AIOTOOLS_SOCKET too,
// when $AIOCTL_SOCKET is unset; $AIOCTL_SOCKET wins when both are set.
func TestAioctlHonoursAiotoolsSocket(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AIOCTL_SOCKET=") && !strings.HasPrefix(kv, "AIOTOOLS_SOCKET=") {
			env = append(env, kv)
		}
	}
	run := func(extra ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), bin, "is-active", "blink")
		cmd.Env = append(append(append([]string{}, env...), "XDG_RUNTIME_DIR=", "TMPDIR="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir(), "HOME="+t.TempDir()), extra...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("AIOTOOLS_SOCKET=" + p.sock); err != nil || out != "active\n" {
		t.Errorf("AIOTOOLS_SOCKET alone: %v %q", err, out)
	}
	if out, err := run("AIOTOOLS_SOCKET="+p.sock, "AIOCTL_SOCKET="+filepath.Join(t.TempDir(), "none.sock")); err == nil || !strings.Contains(out, "none.sock") {
		t.Errorf("AIOCTL_SOCKET does not win over AIOTOOLS_SOCKET: %v %q", err, out)
	}
}
