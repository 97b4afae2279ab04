package control_test

import (
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// TestLockSocketBeforeServing: a program takes the socket before it
// starts anything; a second one fails at once with ErrSocketTaken; the
// server takes the lock over and releases it on Close (and when it fails
// to start).
func TestLockSocketBeforeServing(t *testing.T) {
	p := newProgram(t)
	sock := filepath.Join(shortTempDir(t), "p.sock")
	lock, err := control.LockSocket(sock, "")
	if err != nil {
		t.Fatal(err)
	}
	if lock.Path() != sock {
		t.Errorf("Path() = %q", lock.Path())
	}
	if _, err := control.LockSocket(sock, ""); !errors.Is(err, control.ErrSocketTaken) {
		t.Fatalf("second LockSocket: %v, want ErrSocketTaken", err)
	}
	if _, err := control.NewServer(control.Config{Interp: p.in, Socket: sock}); !errors.Is(err, control.ErrSocketTaken) {
		t.Fatalf("NewServer on a locked socket: %v, want ErrSocketTaken", err)
	}
	quiet := slog.New(slog.DiscardHandler)
	srv, err := control.NewServer(control.Config{Interp: p.in, Lock: lock, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Release(); err != nil { // the server has it: a no-op
		t.Fatal(err)
	}
	if _, err := newClient(t, client.Options{Socket: sock}).Status(ctxT(t)); err != nil {
		t.Fatalf("server on a locked path: %v", err)
	}
	if _, err := control.LockSocket(sock, ""); !errors.Is(err, control.ErrSocketTaken) {
		t.Fatalf("LockSocket while the server runs: %v", err)
	}
	if _, err := control.NewServer(control.Config{Interp: p.in, Lock: lock}); err == nil {
		t.Fatal("a lock handed over twice")
	}
	srv.Close()
	// A server that fails to start lets the lock go.
	lock, err = control.LockSocket(sock, "")
	if err != nil {
		t.Fatalf("LockSocket after Close: %v", err)
	}
	if _, err := control.NewServer(control.Config{Interp: p.in, Lock: lock, Token: "short", Addr: "127.0.0.1:0"}); err == nil {
		t.Fatal("short token accepted")
	}
	lock, err = control.LockSocket(sock, "")
	if err != nil {
		t.Fatalf("LockSocket after a failed NewServer: %v", err)
	}
	lock.Release()
}
