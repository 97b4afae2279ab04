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
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aioctl"
)

// marked splits a config text with one '‸' where the error must be
// reported, returning the text without it and the mark's line and column.
func marked(t *testing.T, s string) (string, int, int) {
	t.Helper()
	i := strings.Index(s, "‸")
	if i < 0 {
		t.Fatalf("no mark in %q", s)
	}
	line := 1 + strings.Count(s[:i], "\n")
	col := 1 + utf8.RuneCountInString(s[strings.LastIndex(s[:i], "\n")+1:i])
	return s[:i] + s[i+len("‸"):], line, col
}

func TestConfigErrorsHavePositions(t *testing.T) {
	env := map[string]string{"PIN": "7", "NAME": `a "quoted" name`}
	cases := []struct {
		name, text, field, msg string
	}{
		{"syntax", "{\n  \"hello\": {\"enabled\": true,‸, }\n}", "", "invalid JSON"},
		{"eof", "{\n  \"hello\": {\"enabled\": true}\n‸", "", "unexpected end of the file"},
		{"trailing garbage", "{\"hello\": {}} ‸x", "", "invalid JSON"},
		{"not an object", "‸[1, 2]", "", "must be a JSON object of services, not an array"},
		{"entry not an object", "{\n  \"hello\": ‸3\n}", "hello", "must be a JSON object, not a number"},
		{"unknown key", "{\n  \"hello\": {\n    \"enabled\": true,\n    ‸\"enabeld\": true\n  }\n}", "hello.enabeld", "unknown key"},
		{"enabled type", "{\"hello\": {\"enabled\": ‸\"yes\"}}", "hello.enabled", "want true or false, not a string"},
		{"args type", "{\n  \"hello\": {\"args\": {\"sleep\": 3, \"pin\": ‸\"two\"}}\n}", "hello.args.pin", "cannot use string as int"},
		{"args unknown field", "{\n  \"hello\": {\"args\": {‸\"pni\": 2}}\n}", "hello.args.pni", "unknown field"},
		{"args bad duration", "{\"hello\": {\"args\": {\"sleep\": ‸\"5 parsecs\"}}}", "hello.args.sleep", "invalid duration"},
		{"unknown service", "{\n  \"hello\": {},\n  ‸\"nope\": {\"enabled\": true}\n}", "nope", "unknown service"},
		{"dangling requires", "{\n  \"time\": {\"requires\": [\"network\", ‸\"nosuch\"]}\n}", "time.requires[1]", "time.service requires nosuch.service, which is not defined"},
		{"dangling kwargs.require", "{\n  \"time\": {\"kwargs\": {\"require\": [‸\"nosuch\"]}}\n}", "time.kwargs.require[0]", "time.service requires nosuch.service, which is not defined"},
		{"dangling kwargs.requires", "{\"time\": {\"kwargs\": {\"requires\": [\"network\", ‸\"nosuch\"]}}}", "time.kwargs.requires[1]", "which is not defined"},
		{"cycle via kwargs.require", "{\n  \"network\": {\"kwargs\": {\"require\": ‸[\"time\"]}}\n}", "network.kwargs.require", "dependency cycle"},
		{"requires not a list", "{\"time\": {\"requires\": ‸\"network\"}}", "time.requires", "want an array of service names"},
		{"requires element type", "{\"time\": {\"requires\": [‸1]}}", "time.requires[0]", "want a service name, not a number"},
		{"cycle", "{\n  \"network\": {\"requires\": ‸[\"time\"]}\n}", "network.requires", "dependency cycle: network -> time -> network"},
		{"schedule value", "{\n  \"world\": {\"schedule\": {‸\"start_in\": \"soon\"}}\n}", "world.schedule.start_in", ""},
		{"schedule unknown key", "{\"world\": {\"schedule\": {‸\"every\": 5}}}", "world.schedule.every", ""},
		{"schedule kwargs", "{\"world\": {\"kwargs\": {\"schedule\": {‸\"repeat\": \"x\"}}}}", "world.kwargs.schedule.repeat", ""},
		{"kwargs unknown key", "{\"world\": {\"kwargs\": {‸\"foo\": 1}}}", "world.kwargs.foo", "unknown key"},
		{"restart mode", "{\"hello\": {\"restart\": {\"mode\": ‸\"sometimes\"}}}", "hello.restart.mode", "unknown restart mode"},
		{"restart unknown key", "{\"hello\": {\"restart\": {\"mode\": \"always\", ‸\"tries\": 3}}}", "hello.restart.tries", "unknown key"},
		{"restart delay", "{\"hello\": {\"restart\": {\"delay\": ‸\"later\"}}}", "hello.restart.delay", "invalid duration"},
		{"stop_timeout", "{\"hello\": {\"stop_timeout\": ‸\"never\"}}", "hello.stop_timeout", "invalid duration"},
		{"exec without argv", "{\"sh\": {\"exec\": ‸{\"dir\": \"/tmp\"}}}", "sh.exec.argv", "needs a command"},
		{"exec argv type", "{\"sh\": {\"exec\": {\"argv\": ‸\"ls -l\"}}}", "sh.exec.argv", "want []string"},
		{"exec for a code service", "{\"hello\": {\"exec\": ‸{\"argv\": [\"true\"]}}}", "hello.exec", "defined in code"},
		{"exec with args", "{\"sh\": {\"exec\": {\"argv\": [\"true\"]}, \"args\": ‸{}}}", "sh.args", "from \"exec\""},
		{"type", "{\"sh\": {\"exec\": {\"argv\": [\"true\"]}, \"type\": ‸\"daemon\"}}", "sh.type", "unknown type \"daemon\""},
		{"type of a code service", "{\"hello\": {\"type\": ‸\"core.service\"}}", "hello.type", "set in code"},
		{"schedule service without schedule", "{‸\"sh\": {\"exec\": {\"argv\": [\"true\"]}, \"type\": \"schedule.service\"}}", "sh", "needs a schedule"},
		{"duplicate service", "{\"hello\": {},\n ‸\"hello\": {}}", "hello", "configured twice"},
		{"duplicate key via kwargs", "{\"world\": {\"schedule\": {}, \"kwargs\": {‸\"schedule\": {}}}}", "world.kwargs.schedule", "set twice"},
		{"duplicate key in restart", "{\"hello\": {\"restart\": {\"mode\": \"always\",\n  ‸\"mode\": \"never\"}}}", "hello.restart.mode", "set twice"},
		{"duplicate key in kwargs.restart", "{\"hello\": {\"kwargs\": {\"restart\": {\"delay\": 1, ‸\"delay\": 2}}}}", "hello.kwargs.restart.delay", "set twice"},
		{"duplicate key in exec", "{\"sh\": {\"exec\": {\"argv\": [\"true\"], ‸\"argv\": [\"false\"]}}}", "sh.exec.argv", "set twice"},
		{"duplicate key in exec.env", "{\"sh\": {\"exec\": {\"argv\": [\"true\"], \"env\": {\"A\": \"1\",\n ‸\"A\": \"2\"}}}}", "sh.exec.env.A", "set twice"},
		{"duplicate key in args", "{\"hello\": {\"args\": {\"pin\": 1,\n ‸\"pin\": 2}}}", "hello.args.pin", "set twice"},
		{"duplicate key deep in schedule", "{\"world\": {\"schedule\": {\"cron\": {\"a\": [{\"b\": 1, ‸\"b\": 1}]}}}}", "world.schedule.cron.a[0].b", "set twice"},
		{"name with suffix", "{‸\"hello.service\": {}}", "hello.service", "without .service"},
		{"unset variable", "{\"hello\": {\"args\": {\"pin\": ‸${NOPE}}}}", "", "variable ${NOPE} is not set"},
		{"bad variable name", "{\"hello\": {\"info\": \"‸${1X}\"}}", "", "invalid variable name"},
		{"position after an expansion", "{\"hello\": {\"args\": {\"name\": \"${NAME}\", \"pin\": ‸\"${PIN}\"}}}", "hello.args.pin", "cannot use string as int"},
		{"expanded number ok, next error", "{\"hello\": {\"args\": {\"pin\": ${PIN}}, ‸\"x\": 1}}", "hello.x", "unknown key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, line, col := marked(t, tc.text)
			dir := t.TempDir()
			path := filepath.Join(dir, "services.config")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			m := NewManager(quietGroup(), testRegistry(), WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }), WithConfigFile(path))
			err := m.ReloadConfig()
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("errors.Is(err, ErrConfig) is false")
			}
			if ce.File != path || ce.Line != line || ce.Column != col {
				t.Errorf("err = %v\nwant position %d:%d", err, line, col)
			}
			if ce.Field != tc.field {
				t.Errorf("field = %q, want %q (%v)", ce.Field, tc.field, err)
			}
			if !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("msg = %q, want it to contain %q", ce.Msg, tc.msg)
			}
			prefix := fmt.Sprintf("%s:%d:%d: ", path, line, col)
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want prefix %q", err, prefix)
			}
		})
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

func TestEnvExpansion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# comment\nexport PIN=9\nNAME=\"from \\\"dotenv\\\"\"\nINFO='single quoted'\nSHADOWED=dotenv\n"), 0o644)
	os.WriteFile(path, []byte(`{"hello": {"args": {"pin": ${PIN}, "name": "${NAME} & ${SHADOWED}, $${LITERAL}", "sleep": "${SLEEP}"}, "info": "${INFO}"}}`), 0o644)
	env := map[string]string{"SHADOWED": "environment\nline", "SLEEP": "1m"}
	f := NewConfigFile(path, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	c, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Entry("hello")
	var a helloArgs
	if err := json.Unmarshal(e.Args, &a); err != nil {
		t.Fatal(err)
	}
	want := helloArgs{Pin: 9, Name: "from \"dotenv\" & environment\nline, ${LITERAL}", Sleep: Duration(60e9)}
	if a != want {
		t.Errorf("args = %+v, want %+v", a, want)
	}
	if e.Info != "single quoted" {
		t.Errorf("info = %q", e.Info)
	}
}

func TestDotEnvErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	os.WriteFile(filepath.Join(dir, ".env"), []byte("A=1\nnot a line\n"), 0o644)
	_, err := NewConfigFile(path, noEnv).Read()
	if err == nil || !strings.Contains(err.Error(), ".env:2: want NAME=VALUE") {
		t.Errorf("err = %v", err)
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
	c, err := NewConfigFile(path, noEnv).Read()
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
