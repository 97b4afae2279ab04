//go:build unix

package control_test

import (
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// staleSocket leaves a socket file at path that nobody listens on, as a
// program that crashed does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatal("stale socket not left behind:", err)
	}
}

// gone fails the test if path exists.
func gone(t *testing.T, path, what string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s %s left behind (%v)", what, path, err)
	}
}

// TestRacingServersExactlyOneWins: programs started at the same time on
// the same path, over a stale socket, must not remove each other's
// socket: exactly one gets the path, the others fail at once saying that
// another program holds it, and the winner stays reachable.
func TestRacingServersExactlyOneWins(t *testing.T) {
	p := newProgram(t)
	const rounds, racers = 10, 4
	for round := range rounds {
		path := filepath.Join(shortTempDir(t), "race.sock")
		staleSocket(t, path)
		start := make(chan struct{})
		type outcome struct {
			srv *control.Server
			err error
		}
		out := make(chan outcome, racers)
		var wg sync.WaitGroup
		for range racers {
			wg.Go(func() {
				<-start
				srv, err := control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
				out <- outcome{srv, err}
			})
		}
		close(start)
		wg.Wait()
		close(out)
		var winners []*control.Server
		for o := range out {
			if o.err == nil {
				winners = append(winners, o.srv)
				continue
			}
			if !strings.Contains(o.err.Error(), path) || !strings.Contains(o.err.Error(), "another program holds") {
				t.Errorf("round %d: a losing server's error does not say another program holds %s: %v", round, path, o.err)
			}
		}
		if len(winners) != 1 {
			for _, w := range winners {
				w.Close()
			}
			t.Fatalf("round %d: %d servers got the socket, want exactly 1", round, len(winners))
		}
		cl := newClient(t, client.Options{Socket: path})
		if _, err := cl.Status(ctxT(t), "blink"); err != nil {
			t.Errorf("round %d: the winner's socket is not reachable: %v", round, err)
		}
		cl.Close()
		if err := winners[0].Close(); err != nil {
			t.Errorf("round %d: close: %v", round, err)
		}
		gone(t, path, "socket")
		gone(t, path+".lock", "lock file")
	}
}

// TestLockHolderKeepsThePath: while another program holds PATH.lock, a
// server fails at once with an error naming the path, and creates no
// socket, even though no socket exists yet.
func TestLockHolderKeepsThePath(t *testing.T) {
	p := newProgram(t)
	path := filepath.Join(shortTempDir(t), "held.sock")
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		srv.Close()
		t.Fatal("server started while another program holds the socket's lock")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another program holds") {
		t.Errorf("error does not say another program holds %s: %v", path, err)
	}
	gone(t, path, "socket")
	if _, err := os.Lstat(path + ".lock"); err != nil {
		t.Errorf("the holder's lock file was removed: %v", err)
	}
	// Once the holder lets go, the path is free.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	p.serve(t, control.Config{Socket: path})
	if _, err := p.cl.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("server after the holder let go: %v", err)
	}
}

// TestStaleSocketAndLockFileReplaced: a crashed program leaves its socket
// and its lock file (unlocked: the kernel drops a dead process's locks);
// the next server replaces both and is reachable, and Close removes both.
func TestStaleSocketAndLockFileReplaced(t *testing.T) {
	p := newProgram(t)
	path := filepath.Join(shortTempDir(t), "crashed.sock")
	staleSocket(t, path)
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("server over a stale socket and an unheld lock file: %v", err)
	}
	cl := newClient(t, client.Options{Socket: path})
	if _, err := cl.Status(ctxT(t), "blink"); err != nil {
		srv.Close()
		t.Fatalf("the new server is not reachable: %v", err)
	}
	fi, err := os.Lstat(path + ".lock")
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file while serving: %v %v, want a 0600 file", fi, err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	gone(t, path, "socket")
	gone(t, path+".lock", "lock file")
	// The path is free again for the next program.
	p.serve(t, control.Config{Socket: path})
	if _, err := p.cl.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("server after a clean close: %v", err)
	}
}

// TestCloseLeavesASocketNotItsOwn: when the file at the path is no longer
// the socket the server bound (someone removed it and another program,
// one that takes no lock, bound the path), Close leaves it alone.
func TestCloseLeavesASocketNotItsOwn(t *testing.T) {
	p := newProgram(t)
	path := filepath.Join(shortTempDir(t), "mine.sock")
	srv, err := control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	other, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := srv.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatalf("the other program's socket was removed by a server closing: %v", err)
	}
	c.Close()
	gone(t, path+".lock", "lock file")
}
