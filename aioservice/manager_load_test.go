package aioservice

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

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

func TestLoadUsesConfigOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/services.config"
	writeFile(t, path, `{"hello": {"args": {"pin": 9}, "restart": {"mode": "on-failure"}}, "network": {"enabled": false}}`)
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path))
	if err := m.Load(t.Context(), "hello", true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 9 || a.Sleep != Duration(5*time.Second) {
		t.Errorf("args with config = %+v, want pin 9 and the default sleep", a)
	}
	sts, _ := g.Status("hello.service")
	if sts[0].Restart != aioctl.OnFailure {
		t.Errorf("restart = %v", sts[0].Restart)
	}
	m.Unload(t.Context(), "hello")
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Fatal(err)
	}
	task, _ = g.Get("hello.service")
	if a, _ := aioctl.Args[helloArgs](task); a.Pin != 2 {
		t.Errorf("args without config = %+v, want the defaults", a)
	}
	m.Unload(t.Context(), "hello")
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("network.service"); ok {
		t.Error("LoadAll with the config loaded a disabled service")
	}
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("network.service"); !ok {
		t.Error("LoadAll without the config skipped a service")
	}
}
