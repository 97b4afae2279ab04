package aioservice

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
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
			err := m.reloadConfig()
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
