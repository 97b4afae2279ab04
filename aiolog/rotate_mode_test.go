//go:build !tinygo && !windows

package aiolog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The error log is created readable by its owner only (0600): its lines
// may hold what a program should not show other users (a token in a
// failed request, a password in a command line). So is the file a
// rotation starts afresh, and the one opened at the first write.
func TestErrorFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "error.log")
	f, err := OpenRotatingFile(name, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mode := func(what, name string) {
		t.Helper()
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s %s: mode %04o, want 0600", what, name, perm)
		}
	}
	mode("created", name)
	for i := 0; i < 3; i++ { // 3×60 bytes: at least one rotation
		if _, err := f.Write([]byte(strings.Repeat("x", 59) + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	mode("rotated", name+".1")
	mode("restarted", name)

	lazy := NewRotatingFile(filepath.Join(dir, "lazy.log"), 0)
	defer lazy.Close()
	if _, err := lazy.Write([]byte("line\n")); err != nil {
		t.Fatal(err)
	}
	mode("opened at the first write", lazy.Name())
}
