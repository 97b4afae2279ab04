package aioservice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Editing a config file that is a symbolic link to a missing file fails,
// naming both, and leaves the link alone (rather than replacing it with a
// new file).
func TestEditRefusesADanglingSymlinkedConfig(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "services.config")
	if err := os.Symlink("typo.config", link); err != nil {
		t.Skip(err)
	}
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(link), WithEnv(noEnv))
	err := m.Disable("hello")
	if err == nil || !strings.Contains(err.Error(), link) || !strings.Contains(err.Error(), "typo.config") {
		t.Fatalf("Disable = %v, want an error naming the link and its missing target", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.config")); err == nil {
		t.Errorf("a target was created")
	}
}
