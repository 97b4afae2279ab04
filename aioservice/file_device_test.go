package aioservice

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A config path that is not a regular file (a device, directly or through
// a symbolic link) is refused when loaded and when edited, naming it, and
// is never replaced by a regular file.
func TestDeviceConfigRefused(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "nulldev")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil { // /dev/null's numbers
		t.Skipf("mknod: %v", err)
	}
	link := filepath.Join(dir, "services.config")
	if err := os.Symlink("nulldev", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dev, link} {
		m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
		if err := m.reloadConfig(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("loading %s = %v, want an error naming it and saying it is not a regular file", path, err)
		}
		err := m.PatchConfig("hello", []byte(`{"enabled": false}`))
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("editing %s = %v, want an error naming it", path, err)
		}
		fi, err := os.Stat(dev)
		if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("the device was replaced: %v %v", fi.Mode(), err)
		}
	}
	// The write itself refuses too, whatever read said.
	f := newConfigFile(link, noEnv)
	if err := f.write([]byte("{}")); !errors.Is(err, ErrConfigWrite) || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("write to a device = %v", err)
	}
	if fi, _ := os.Stat(dev); fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("the device was replaced by write: %v", fi.Mode())
	}
}
