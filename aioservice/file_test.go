package aioservice

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// A writer killed between creating its temporary file and the rename
// leaves a ".services.config.tmp-N" behind; loading the config at start
// removes those (only names of exactly that form).
func TestStaleTempFilesRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	writeFile(t, path, `{"hello": {"enabled": true}}`)
	stale := []string{".services.config.tmp-123456", ".services.config.tmp-9"}
	others := []string{".services.config.tmp-", ".services.config.tmp-12x", "services.config.tmp-1", ".other.config.tmp-1", ".services.config.tmp-1.bak", "notes"}
	for _, n := range append(slices.Clone(stale), others...) {
		writeFile(t, filepath.Join(dir, n), "half")
	}
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	if err := m.reloadConfig(); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := append(slices.Clone(others), "services.config")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
}

// A read-only config is refused, not replaced.
func TestReadOnlyConfigRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	orig := `{"hello": {"enabled": true}}`
	writeFile(t, path, orig)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	for what, edit := range map[string]func() error{
		"Disable":     func() error { return m.Disable("hello") },
		"PatchConfig": func() error { return m.PatchConfig("hello", []byte(`{"args": {"pin": 1}}`)) },
	} {
		err := edit()
		if !errors.Is(err, ErrConfigWrite) || !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s on a 0444 config = %v, want a write error naming the file and saying it is read-only", what, err)
		}
	}
	fi, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != orig || fi.Mode().Perm() != 0o444 {
		t.Errorf("the read-only file was replaced: %s (%v)", b, fi.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("dir holds %d files, want only the config", len(ents))
	}
}

// A full disk while writing the config is a *WriteError naming the file
// and the cause; the old file stays, and no temporary file is left.
func TestFullDiskIsAWriteError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	orig := `{"hello": {"enabled": true}}`
	writeFile(t, path, orig)
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	m.file.writeTmp = func(f *os.File, data []byte) error {
		f.Write(data[:len(data)/2])
		return &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	err := m.PatchConfig("hello", []byte(`{"enabled": false}`))
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, ErrConfigWrite) || !errors.Is(err, syscall.ENOSPC) || we.File != path {
		t.Fatalf("PatchConfig on a full disk = %v, want a *WriteError for %s wrapping ENOSPC", err, path)
	}
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("message %q does not say why", err)
	}
	if b, _ := os.ReadFile(path); string(b) != orig {
		t.Errorf("file = %s, want the old content", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("dir holds %d files, want only the config", len(ents))
	}
}

// Editing a config file that is a symbolic link replaces the file it
// names and keeps the link.
func TestEditKeepsASymlinkedConfig(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.config")
	writeFile(t, real, `{}`)
	link := filepath.Join(dir, "services.config")
	if err := os.Symlink("real.config", link); err != nil {
		t.Skip(err)
	}
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(link), WithEnv(noEnv))
	if err := m.Disable("hello"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if b, _ := os.ReadFile(real); !strings.Contains(string(b), `"enabled": false`) {
		t.Errorf("the linked file = %s", b)
	}
}

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

func TestNewFileIsCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path))
	if err := m.Disable("hello"); err != nil {
		t.Fatal(err)
	}
	if err := m.Enable("network"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "{\n  \"hello\": {\"enabled\": false},\n  \"network\": {\"enabled\": true}\n}\n"; string(b) != want {
		t.Errorf("file =\n%s", b)
	}
	if err := NewManager(quietGroup(), testRegistry()).Enable("hello"); !errors.Is(err, ErrNoConfigFile) {
		t.Errorf("Enable without a file = %v", err)
	}
}

func TestAtomicWriteFailedRenameKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	old := `{"hello": {"enabled": true}}`
	os.WriteFile(path, []byte(old), 0o644)
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path))
	crash := errors.New("power cut")
	var tmpSeen string
	m.file.rename = func(from, to string) error {
		b, _ := os.ReadFile(from)
		tmpSeen = string(b)
		return crash
	}
	if err := m.Disable("hello"); !errors.Is(err, crash) {
		t.Fatalf("Disable = %v, want the rename error", err)
	}
	if !strings.Contains(tmpSeen, `"enabled": false`) {
		t.Errorf("the temporary file held %q, want the new content", tmpSeen)
	}
	if b, _ := os.ReadFile(path); string(b) != old {
		t.Errorf("file = %s, want the old content", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("dir holds %d files, want only the config (the temporary file is removed)", len(ents))
	}
	m.file.rename = os.Rename
	if err := m.Disable("hello"); err != nil {
		t.Fatal(err)
	}
}
