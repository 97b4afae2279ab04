package aioservice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

func TestBadConfigKeepsRunningSet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	os.WriteFile(path, []byte(`{"hello": {"args": {"pin": 4}}, "world": {"enabled": false}, "network": {"enabled": false}, "time": {"enabled": false}}`), 0o644)
	g := quietGroup()
	m := NewManager(g, testRegistry(), WithConfigFile(path))
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	good := m.config()
	os.WriteFile(path, []byte(`{"hello": {"args": {"pin": "four"}}}`), 0o644)
	if err := m.LoadAll(t.Context(), true); !errors.Is(err, ErrConfig) {
		t.Fatalf("LoadAll with a bad file = %v", err)
	}
	if m.config() != good {
		t.Error("the manager dropped its good config for a bad one")
	}
	if got := g.Names(); len(got) != 1 || got[0] != "hello.service" {
		t.Errorf("tasks = %v, want only hello.service", got)
	}
	if err := m.Enable("world"); !errors.Is(err, ErrConfig) {
		t.Errorf("editing a bad file = %v, want the file's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"hello": {"args": {"pin": "four"}}}` {
		t.Errorf("a bad file was rewritten: %s", b)
	}
}

func TestEditsKeepTheFileAndItsVariables(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	orig := "{\n  \"hello\": {\"args\": {\"pin\": ${PIN}}},\n  \"world\": {}\n}\n"
	os.WriteFile(path, []byte(orig), 0o600)
	m := NewManager(quietGroup(), testRegistry(), WithEnv(func(k string) (string, bool) { return "3", k == "PIN" }), WithConfigFile(path))
	if err := m.Disable("hello"); err != nil {
		t.Fatal(err)
	}
	if err := m.Configure("world", ConfigChange{Schedule: json.RawMessage(`{"start_in":5}`), Enabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Configure("time", ConfigChange{After: []string{"hello"}}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"hello\": {\"args\": {\"pin\": ${PIN}}, \"enabled\": false},\n  \"world\": {\"enabled\": true, \"schedule\": {\"start_in\":5}},\n  \"time\": {\"after\": [\"hello\"]}\n}\n"
	b, _ := os.ReadFile(path)
	if string(b) != want {
		t.Errorf("file =\n%s\nwant\n%s", b, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want the old file's 0600", fi.Mode().Perm())
	}
	// A change that would make the file invalid is refused and writes nothing.
	for _, ch := range []ConfigChange{
		{Args: json.RawMessage(`{"pin": "x"}`)},
		{Requires: []string{"nosuch"}},
		{Schedule: json.RawMessage(`{"cron": "not a cron"}`)},
	} {
		err := m.Configure("hello", ch)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("Configure(%+v) = %v, want a config error", ch, err)
		}
	}
	if err := m.Configure("time", ConfigChange{Requires: []string{"network", "time"}}); err == nil || !strings.Contains(err.Error(), "dependency cycle: time -> time") {
		t.Errorf("a self-dependency = %v", err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != want {
		t.Errorf("a refused change wrote the file:\n%s", b2)
	}
	got, err := m.GetConfig("world")
	if err != nil || !bytes.Contains(got, []byte(`"start_in": 5`)) || !bytes.Contains(got, []byte(`"enabled": true`)) {
		t.Errorf("GetConfig = %s, %v", got, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestConcurrentEdits(t *testing.T) {
	r := NewRegistry()
	const n = 20
	for i := range n {
		r.MustRegister(Define(fmt.Sprintf("s%d", i), nothing, struct{}{}))
	}
	path := filepath.Join(t.TempDir(), "services.config")
	m := NewManager(quietGroup(), r, WithConfigFile(path))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("s%d", i)
			if err := m.Disable(name); err != nil {
				t.Error(err)
			}
			err := m.Configure(name, ConfigChange{After: []string{fmt.Sprintf("s%d", (i+1)%n)}})
			if err != nil && !strings.Contains(err.Error(), "dependency cycle") {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	c, err := newConfigFile(path, noEnv).read()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) != n {
		t.Fatalf("%d entries, want %d", len(c.Entries), n)
	}
	withAfter := 0
	for _, e := range c.Entries {
		if e.Enabled == nil || *e.Enabled {
			t.Errorf("%s is not disabled: an edit was lost", e.Name)
		}
		if e.After != nil {
			withAfter++
		}
	}
	// The twenty "after" edges form a ring: exactly one edit was refused.
	if withAfter != n-1 {
		t.Errorf("%d entries have after, want %d (one closing the cycle is refused)", withAfter, n-1)
	}
}

// The seed's config format: positional args (for a service whose
// arguments are a list) and kwargs holding schedule and require.
func TestSeedFormat(t *testing.T) {
	r := testRegistry()
	r.MustRegister(Define("seq", func(ctx context.Context, a []int) (int, error) { return len(a), nil }, []int{1}))
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, `{"seq": {"enabled": true, "args": [2, 5]},
 "world": {"enabled": true, "kwargs": {"schedule": {"start_in": 20, "repeat": 90}, "require": ["seq"]}},
 "hello": {"enabled": false}}`)
	g := quietGroup()
	m := NewManager(g, r, WithConfigFile(path))
	if err := m.LoadAll(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	task, _ := g.Get("seq.service")
	if a, _ := aioctl.Args[[]int](task); !slices.Equal(a, []int{2, 5}) {
		t.Errorf("args = %v", a)
	}
	raw, _ := m.GetConfig("world")
	var st struct {
		Requires []string        `json:"requires"`
		Schedule json.RawMessage `json:"schedule"`
	}
	json.Unmarshal(raw, &st)
	var sched bytes.Buffer
	json.Compact(&sched, st.Schedule)
	if !slices.Equal(st.Requires, []string{"seq"}) || sched.String() != `{"start_in":20,"repeat":90}` {
		t.Errorf("world config = %s", raw)
	}
	// An edit of a kwargs value lands inside kwargs.
	if err := m.Configure("world", ConfigChange{Schedule: json.RawMessage(`{"start_in":1}`)}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"kwargs": {"schedule": {"start_in":1}, "require": ["seq"]}`) {
		t.Errorf("file = %s", b)
	}
}
