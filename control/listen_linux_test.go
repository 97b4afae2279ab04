package control_test

import (
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// TestBusySocketNeverStolen: a live program whose accept queue is full
// answers a connect with EAGAIN, not ECONNREFUSED; its socket is live and
// must not be replaced as if stale.
func TestBusySocketNeverStolen(t *testing.T) {
	p := newProgram(t)
	path := filepath.Join(shortTempDir(t), "busy.sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil { // a queue of one, never accepted
		t.Fatal(err)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for {
		c, err := net.Dial("unix", path)
		if err != nil {
			if !errors.Is(err, syscall.EAGAIN) {
				t.Fatalf("filling the accept queue: %v", err)
			}
			break
		}
		if conns = append(conns, c); len(conns) > 100 {
			t.Fatal("accept queue never full")
		}
	}
	before, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		srv.Close()
		t.Fatal("server took over the socket of a busy live program")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name the socket: %v", err)
	}
	after, err := os.Lstat(path)
	if err != nil || !os.SameFile(before, after) {
		t.Fatalf("busy program's socket replaced or removed: %v", err)
	}
	if _, err := os.Lstat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a server that did not start left its lock file behind (%v)", err)
	}
}
