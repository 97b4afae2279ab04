package control_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// TestSocketDirOfAnotherUserIsSkipped: without XDG_RUNTIME_DIR, another
// user who creates $TMPDIR/aiotools-UID first cannot keep the program
// from starting: it falls back to a directory of its own user
// ($HOME/.local/state/aiotools/run, 0700), which aioctl also searches.
func TestSocketDirOfAnotherUserIsSkipped(t *testing.T) {
	tmp, home := t.TempDir(), t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("TMPDIR", tmp)
	t.Setenv("HOME", home)
	taken := filepath.Join(tmp, "aiotools-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(taken, 0o700); err != nil {
		t.Fatal(err)
	}
	// Another user's: root in tests, so chown to a uid that is not ours.
	other := os.Getuid() + 4242
	if err := os.Chown(taken, other, other); err != nil {
		t.Skip("cannot make a directory of another user:", err)
	}
	fallback := filepath.Join(home, ".local", "state", "aiotools", "run")
	if dirs := control.SocketDirs(); !slices.Contains(dirs, fallback) || !slices.Contains(dirs, taken) {
		t.Errorf("SocketDirs() = %q: want both %s and %s", dirs, taken, fallback)
	}
	want := filepath.Join(fallback, "prog.sock")
	if got, err := control.DefaultSocketPath("prog"); err != nil || got != want {
		t.Errorf("DefaultSocketPath = %q, %v; want %q", got, err, want)
	}
	p := newProgram(t)
	serveDefault(t, p, "prog")
	if p.sock != want {
		t.Fatalf("socket at %s, want %s", p.sock, want)
	}
	fi, err := os.Stat(fallback)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("fallback directory: %v %v, want mode 0700", fi.Mode(), err)
	}
	if _, err := newClient(t, client.Options{Socket: p.sock}).Status(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// A lock taken first lands there too.
	if _, err := control.LockSocket("", "prog"); err == nil {
		t.Error("LockSocket on the running program's default path succeeded")
	}
	if entries, _ := os.ReadDir(taken); len(entries) != 0 {
		t.Errorf("files put in another user's directory: %v", entries)
	}
}

// TestSocketDirDefaultUnchanged: with a usable $TMPDIR/aiotools-UID (and
// no XDG_RUNTIME_DIR) the socket stays there.
func TestSocketDirDefaultUnchanged(t *testing.T) {
	tmp, home := t.TempDir(), t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("TMPDIR", tmp)
	t.Setenv("HOME", home)
	want := filepath.Join(tmp, "aiotools-"+strconv.Itoa(os.Getuid()), "prog.sock")
	if got, err := control.DefaultSocketPath("prog"); err != nil || got != want {
		t.Errorf("DefaultSocketPath = %q, %v; want %q", got, err, want)
	}
	p := newProgram(t)
	serveDefault(t, p, "prog")
	if p.sock != want {
		t.Fatalf("socket at %s, want %s", p.sock, want)
	}
}

// serveDefault starts a server for p on the default socket path of name.
func serveDefault(t *testing.T, p *program, name string) {
	t.Helper()
	srv, err := control.NewServer(control.Config{Interp: p.in, Name: name, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p.srv, p.sock = srv, srv.SocketPath()
}
