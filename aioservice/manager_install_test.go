package aioservice

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

func closeManager(t *testing.T, m *Manager, g *aioctl.Group) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Close(ctx)
		g.Close(ctx)
	})
}

// Add writes the entry into a file that does not exist yet, keeps the
// other entries' text when there is one, loads and starts; Remove deletes
// only its entry, byte for byte.
func TestAddAndRemoveKeepTheRestOfTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	closeManager(t, m, g)
	if err := m.Add(t.Context(), "hello", []byte(`{"args": {"pin": 7}}`)); err != nil {
		t.Fatalf("Add into no file: %v", err)
	}
	task, ok := g.Get("hello.service")
	if !ok || task.State() != aioctl.Running {
		t.Fatalf("hello.service after Add: %v", ok)
	}
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 7 {
		t.Errorf("hello's pin = %d, want 7", a.Pin)
	}
	// The user's own layout, which Remove must keep.
	writeFile(t, path, "{\n  \"hello\": {\"args\": {\"pin\": 7}},\n  \"world\":   {\"enabled\": false}\n}\n")
	if err := m.Add(t.Context(), "world", []byte(`{"enabled": true}`)); err == nil {
		t.Error("Add over an existing entry succeeded")
	} else if !errors.Is(err, ErrConfig) {
		t.Errorf("Add over an existing entry: %v, want a config error", err)
	}
	if err := m.Remove(t.Context(), "hello"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, ok := g.Get("hello.service"); ok {
		t.Error("hello.service still in the group after Remove")
	}
	b, _ := os.ReadFile(path)
	if want := "{\n  \"world\":   {\"enabled\": false}\n}\n"; string(b) != want {
		t.Errorf("the file after Remove:\n%s\nwant\n%s", b, want)
	}
	if err := m.Remove(t.Context(), "hello"); !errors.Is(err, ErrUnknownService) {
		t.Errorf("Remove of a service neither loaded nor in the file: %v", err)
	}
}

// Start starts what is not up and leaves what is up alone; Report without
// a watcher is ErrUnknownService.
func TestStartOnlyWhatIsNotUp(t *testing.T) {
	g := quietGroup()
	m := NewManager(g, testRegistry())
	closeManager(t, m, g)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	started, err := m.Start(t.Context(), "hello", "network")
	if err != nil || strings.Join(started, ",") != "network,hello" {
		t.Fatalf("Start: %v %v", started, err)
	}
	started, err = m.Start(t.Context(), "hello", "network")
	if err != nil || len(started) != 0 {
		t.Errorf("Start of services up: started %v, err %v; want nothing", started, err)
	}
	if _, err := m.Start(t.Context(), "nosuch"); !errors.Is(err, ErrNotLoaded) {
		t.Errorf("Start of a service not loaded: %v", err)
	}
	if err := m.Report(new(strings.Builder)); !errors.Is(err, ErrUnknownService) {
		t.Errorf("Report without a watcher: %v", err)
	}
}

// Issue 12 walkthrough item 2: an added service that fails to load is
// taken out of the file again, byte for byte, and the error says so.
func TestAddThatFailsToLoadLeavesTheFileUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	before := []byte(`{"hello": {"args": {"pin": 7}}}` + "\n")
	if err := os.WriteFile(path, before, 0o644); err != nil {
		t.Fatal(err)
	}
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	closeManager(t, m, g)
	err := m.Add(t.Context(), "x", []byte(`{"exec": {"argv": ["/nonexistent/bin"]}}`))
	if err == nil || !strings.Contains(err.Error(), "the change is refused; the file is unchanged") {
		t.Fatalf("Add of a service that cannot load: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("the file changed:\n%s", after)
	}
}

// The same when there was no file: none is left behind.
func TestAddThatFailsToLoadLeavesNoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	closeManager(t, m, g)
	if err := m.Add(t.Context(), "x", []byte(`{"exec": {"argv": ["/nonexistent/bin"]}}`)); err == nil {
		t.Fatal("Add of a service that cannot load succeeded")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file is left: %v", err)
	}
	if err := m.Add(t.Context(), "hello", []byte(`{"args": {"pin": 7}}`)); err != nil {
		t.Errorf("Add after a failed one: %v", err)
	}
}
