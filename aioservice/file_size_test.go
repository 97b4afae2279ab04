package aioservice

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A config file larger than MaxConfigSize (a log written to the wrong
// path, a runaway generator) is refused by name and size, without reading
// it all into memory; an edit of it writes nothing.
func TestHugeConfigRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxConfigSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	err = m.reloadConfig()
	var ce *ConfigError
	if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) || !errors.Is(err, ErrConfigTooLarge) || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), ": 16777217 bytes, more than the 16 MiB a config may have") {
		t.Fatalf("loading a %d-byte config = %v, want a *ConfigError naming the file and the limit", MaxConfigSize+1, err)
	}
	if err := m.PatchConfig("hello", []byte(`{"enabled": false}`)); err == nil || !strings.Contains(err.Error(), "16 MiB") {
		t.Errorf("editing it = %v, want the same refusal", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != MaxConfigSize+1 {
		t.Errorf("the file changed: %v %v", fi.Size(), err)
	}
}
