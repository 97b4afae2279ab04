package aioservice

import (
	"errors"
	"fmt"
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
	if err := m.ReloadConfig(); err != nil {
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

// bigConfig is a config text of at least n bytes, one entry a line.
func bigConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  "s%d": {"enabled": true, "args": {"pin": %d, "name": "service number %d"}, "requires": ["s0"]}`, i, i%40, i)
	}
	b.WriteString("\n}\n")
	return []byte(b.String())
}

// Parsing is linear in the size of the file: the work the parser does to
// place entries (lines and columns) grows like the file, not like its
// square. Counted, not timed.
func TestParseConfigIsLinear(t *testing.T) {
	work := func(n int) int {
		p, err := parseCounting(bigConfig(n))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w1, w4 := work(1<<20), work(4<<20)
	if w4 > 5*w1 {
		t.Errorf("work for 1 MB: %d, for 4 MB: %d (%.1f×): not linear", w1, w4, float64(w4)/float64(w1))
	}
}

func BenchmarkParseConfig10MB(b *testing.B) {
	data := bigConfig(10 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseConfig("big.config", data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// parseCounting parses data and returns the bytes the parser examined to
// compute positions.
func parseCounting(data []byte) (int, error) {
	c, err := ParseConfig("big.config", data, nil)
	if err != nil {
		return 0, err
	}
	return c.p.work, nil
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

// Old Mac line ends (a lone carriage return) end a .env line too: a
// value never holds a raw carriage return (found by FuzzDotEnv).
func TestDotEnvCarriageReturns(t *testing.T) {
	vars, err := parseDotEnv(".env", []byte("A=1\rB=2\r\nC=3\n"))
	if err != nil || vars["A"] != "1" || vars["B"] != "2" || vars["C"] != "3" || len(vars) != 3 {
		t.Errorf("vars = %q, %v", vars, err)
	}
	if _, err := parseDotEnv(".env", []byte("A=1\r\nbad\n")); err == nil || !strings.Contains(err.Error(), ".env:2:") {
		t.Errorf("err = %v, want line 2", err)
	}
}
