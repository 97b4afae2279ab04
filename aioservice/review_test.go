package aioservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// An edit that changes nothing must not write the file (it used to write
// an empty file over the config).
func TestConfigureWithoutChangesKeepsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	orig := `{"hello": {"args": {"pin": 4}}}`
	writeFile(t, path, orig)
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	m.Configure("hello", ConfigChange{})
	if b, _ := os.ReadFile(path); string(b) != orig {
		t.Errorf("Configure with no change wrote %q over %q", b, orig)
	}
}

// A value set by Configure is a value: a "${" in it is not a variable.
func TestConfigureKeepsDollarBraceLiteral(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{}`)
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path), WithEnv(func(k string) (string, bool) { return "expanded", k == "HOME" }))
	if err := m.Configure("hello", ConfigChange{Args: json.RawMessage(`{"name": "cost ${HOME}"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Load(t.Context(), "hello", true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Name != "cost ${HOME}" {
		t.Errorf("name = %q, want the literal value set", a.Name)
	}
}

// Load with the config reads the file as it is now.
func TestLoadReadsTheFileAsItIsNow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{"hello": {"args": {"pin": 9}}}`)
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	if err := m.Load(t.Context(), "hello", true); err != nil {
		t.Fatal(err)
	}
	m.Unload(t.Context(), "hello")
	writeFile(t, path, `{"hello": {"args": {"pin": 7}}}`)
	if err := m.Load(t.Context(), "hello", true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 7 {
		t.Errorf("pin = %d, want 7 from the edited file", a.Pin)
	}
	got, _ := m.GetConfig("hello")
	writeFile(t, path, `{"hello": {"args": {"pin": 5}}}`)
	if got2, _ := m.GetConfig("hello"); string(got2) == string(got) {
		t.Errorf("GetConfig does not show the edited file: %s", got2)
	}
}

// List and Boot may run at once (a status query while booting): the
// notes Boot writes are read under the manager's lock.
func TestListWhileBooting(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("network", func(ctx context.Context, _ struct{}) (string, error) {
		return "", errors.New("no link")
	}, struct{}{}, WithType(Core)))
	for i := range 20 {
		r.MustRegister(Define(fmt.Sprintf("dep%d", i), nothing, struct{}{}, WithType(Core), WithRequires("network")))
	}
	m := NewManager(quietGroup(), r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		for {
			select {
			case <-stop:
				return
			default:
				m.List()
			}
		}
	}()
	m.Boot(t.Context())
	m.Init(t.Context())
	close(stop)
	<-listed
	for _, in := range m.List() {
		if strings.HasPrefix(in.Name, "dep") && !strings.Contains(in.Note, "requires network.service, which failed") {
			t.Errorf("%s: note %q", in.Name, in.Note)
		}
	}
	m.Close(t.Context())
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
