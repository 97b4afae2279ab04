package sockdir_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/control/sockdir"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// private sets up $XDG_RUNTIME_DIR so that Dirs starts with a private
// directory of the test, and returns it.
func private(t *testing.T) string {
	t.Helper()
	run := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", run)
	t.Setenv("TMPDIR", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	d := filepath.Join(run, "aiotools")
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if got := sockdir.Dirs()[0]; got != d {
		t.Fatalf("Dirs()[0] = %s, want %s", got, d)
	}
	return d
}

func TestFind(t *testing.T) {
	d := private(t)
	if _, err := sockdir.Find(); err == nil || !strings.Contains(err.Error(), "no control socket found in "+d) {
		t.Errorf("Find with no socket: %v", err)
	}
	// A socket nobody listens on (a file, here) is not offered.
	os.WriteFile(filepath.Join(d, "dead.sock"), nil, 0o600)
	if _, err := sockdir.Find(); err == nil || !strings.Contains(err.Error(), "no program running: nobody listens on "+filepath.Join(d, "dead.sock")) {
		t.Errorf("Find with a stale socket: %v", err)
	}
	listen(t, filepath.Join(d, "a.sock"))
	if p, err := sockdir.Find(); err != nil || p != filepath.Join(d, "a.sock") {
		t.Errorf("Find = %q, %v", p, err)
	}
	listen(t, filepath.Join(d, "b.sock"))
	if _, err := sockdir.Find(); err == nil || !strings.Contains(err.Error(), "several control sockets") {
		t.Errorf("Find with two sockets: %v", err)
	}
	// A directory others can enter is not searched, and Find says so.
	os.Chmod(d, 0o755)
	if _, err := sockdir.Find(); err == nil || !strings.Contains(err.Error(), "not searched: control: socket directory "+d+" has mode 0755") {
		t.Errorf("Find in an open directory: %v", err)
	}
}

// listen listens on a unix socket at path until the test ends, accepting
// (and closing) connections.
func listen(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

func TestFindToken(t *testing.T) {
	d := private(t)
	tok := strings.Repeat("ab", 16)
	f := sockdir.TokenPath(filepath.Join(d, "prog.sock"))
	if f != filepath.Join(d, "prog.token") {
		t.Fatalf("TokenPath = %s", f)
	}
	if err := os.WriteFile(f, []byte(tok+"\n127.0.0.1:7070\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Only the file's own address gets its token: not another loopback
	// address on the same port, where another user may listen.
	for addr, want := range map[string]string{"127.0.0.1:7070": tok, "[::ffff:127.0.0.1]:7070": tok, "localhost:7070": tok,
		"[::1]:7070": "", "127.0.0.2:7070": "", "127.0.0.1:7071": "", "10.0.0.1:7070": ""} {
		got, dial := sockdir.FindToken(addr)
		if got != want {
			t.Errorf("FindToken(%s) = %q, want %q", addr, got, want)
		}
		if want != "" && addr == "localhost:7070" && dial != "127.0.0.1:7070" {
			t.Errorf("FindToken(localhost:7070) dials %s, want the file's 127.0.0.1:7070", dial)
		}
	}
	// A token file others can read is refused.
	os.Chmod(f, 0o644)
	if _, _, err := sockdir.ReadToken(f); err == nil || !strings.Contains(err.Error(), "has mode 0644") {
		t.Errorf("ReadToken of a 0644 file: %v", err)
	}
	if tok, _ := sockdir.FindToken("127.0.0.1:7070"); tok != "" {
		t.Error("FindToken used a token file others can read")
	}
	// A short token is refused, naming the line.
	os.WriteFile(f, []byte("short\n"), 0o600)
	os.Chmod(f, 0o600)
	if _, _, err := sockdir.ReadToken(f); err == nil || !strings.Contains(err.Error(), f+":1: no token of at least 16 bytes") {
		t.Errorf("ReadToken of a short token: %v", err)
	}
}

// A socket directory that is a symbolic link (even to a fit directory) is
// refused, saying it is a link, to what, and that a real directory is
// needed: not "is not a directory".
func TestCheckSymlinkSaysSo(t *testing.T) {
	real := filepath.Join(t.TempDir(), "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	err := sockdir.Check(link)
	if err == nil || !strings.Contains(err.Error(), link+" is a symbolic link to "+real) || !strings.Contains(err.Error(), "a real directory") {
		t.Errorf("Check(symlink) = %v", err)
	}
	if err := sockdir.Check(real); err != nil {
		t.Errorf("Check(real) = %v", err)
	}
}
