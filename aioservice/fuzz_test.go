package aioservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseConfig: the loader never panics, reports every error with a
// position inside the file, and a file it accepts stays valid when an
// entry is edited.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"hello": {"enabled": true, "args": {"pin": 2}}}`,
		`{"world": {"enabled": true, "kwargs": {"schedule": {"start_in": 20, "repeat": 90}, "require": ["hello"]}}}`,
		`{"sh": {"exec": {"argv": ["sh", "-c", "echo ${X}"], "env": {"A": "b"}}, "stop_timeout": "2s", "restart": {"mode": "always", "delay": 1}}}`,
		"{\n  \"time\": {\"requires\": [\"network\"], \"after\": []}\n}\n",
		`{"hello": {"args": {"pin": ${PIN}}}}`,
		`{}`, ``, `[`, `{"a": {"enabled": tru}}`,
	} {
		f.Add([]byte(s))
	}
	r := testRegistry()
	env := func(k string) (string, bool) {
		return map[string]string{"X": `"quoted"`, "PIN": "4"}[k], k == "X" || k == "PIN"
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig("fuzz.config", data, env)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *ConfigError", err)
			}
			lines := 1
			for _, b := range data {
				if b == '\n' {
					lines++
				}
			}
			if ce.Line < 1 || ce.Line > lines || ce.Column < 1 {
				t.Fatalf("position %d:%d outside the file (%d lines): %v", ce.Line, ce.Column, lines, err)
			}
			return
		}
		m := NewManager(quietGroup(), r)
		_ = m.validate(c) // must not panic
		for _, e := range c.Entries {
			next, err := ParseConfig("fuzz.config", c.setField(e.Name, "enabled", []byte("false")), env)
			if err != nil {
				t.Fatalf("editing %s made the file invalid: %v", e.Name, err)
			}
			ne, ok := next.Entry(e.Name)
			if !ok || ne.Enabled == nil || *ne.Enabled || len(next.Entries) != len(c.Entries) {
				t.Fatalf("edit of %s did not land: %+v", e.Name, ne)
			}
		}
		if len(c.Entries) == 0 {
			return
		}
		if _, err := ParseConfig("fuzz.config", c.setField("added", "enabled", []byte("true")), env); err != nil {
			t.Fatalf("adding an entry made the file invalid: %v", err)
		}
	})
}

// FuzzDotEnv: the .env parser never panics, names the line of an error,
// and what it accepts reads back the same when written out again.
func FuzzDotEnv(f *testing.F) {
	for _, s := range []string{
		"# comment\nexport PIN=9\nNAME=\"from \\\"dotenv\\\"\"\nINFO='single quoted'\n",
		"A=1\r\nB = two words \nC=\"\\u00e9\\n\"\n", "not a line\n", "=x\n", "A=\"unterminated\n", "export\n", "A='\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := parseDotEnv("fuzz.env", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.env:") {
				t.Fatalf("error %q does not name the file and line", err)
			}
			return
		}
		var b strings.Builder
		for k, v := range vars {
			if !validEnvName(k) {
				t.Fatalf("accepted the name %q", k)
			}
			if strings.ContainsAny(v, "\r\n") {
				q, _ := json.Marshal(v)
				b.WriteString(k + "=" + string(q) + "\n")
			} else {
				b.WriteString(k + "='" + v + "'\n")
			}
		}
		again, err := parseDotEnv("again.env", []byte(b.String()))
		if err != nil || !maps.Equal(vars, again) {
			t.Fatalf("%q read back as %q (%v)\nfrom %q", vars, again, err, b.String())
		}
	})
}

// FuzzMergePatch: a merge patch of JSON text gives the RFC 7396 value and
// keeps the text of what the patch does not name.
func FuzzMergePatch(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a": {"b": 1, "c": [1, 2]}, "d": "x"}`, `{"a": {"b": null, "e": {"f": null, "g": 1}}, "d": [null]}`},
		{"{\n  \"a\": 1,\n  \"b\": 2\n}\n", `{"a": null, "b": null, "c": 3}`},
		{`{}`, `{"a": {}}`}, {` { "\u0061" : 1 } `, `{"a": {"x": 1}}`}, {`{"a": 1, "a": 2}`, `{"a": 3}`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, doc, patch []byte) {
		var dv any
		if json.Unmarshal(doc, &dv) != nil {
			return
		}
		if _, isObj := dv.(map[string]any); !isObj || checkPatch("f", "p", patch) != nil {
			return
		}
		got, err := mergePatchText(doc, patch)
		if err != nil {
			if !strings.Contains(err.Error(), "set twice") {
				t.Fatalf("merging %s into %s: %v", patch, doc, err)
			}
			return
		}
		checkMerge(t, doc, patch, got)
	})
}

// FuzzConfigPatch: PatchConfig on a config file either refuses the patch
// and leaves the file as it was, or writes text that parses, whose value
// (after ${VAR} expansion) is the RFC 7396 merge, and that keeps the text
// of what the patch does not name.
func FuzzConfigPatch(f *testing.F) {
	for _, s := range [][3]string{
		{"{\n  \"hello\": {\"args\": {\"pin\": ${PIN}, \"sleep\": \"3s\"}},\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20}}}\n}\n", "hello", `{"args": {"pin": 4}}`},
		{`{"hello": {"restart": {"mode": "always", "delay": 1}}}`, "hello", `{"restart": {"budget": 2, "delay": null}}`},
		{`{"world": {"kwargs": {"schedule": {"repeat": 90}}}}`, "world", `{"schedule": {"repeat": 60}, "enabled": false}`},
		{`{"hello": {"info": "${X}"}}`, "hello", `{"args": {"name": "${literal}"}}`},
		{``, "sh", `{"exec": {"argv": ["true"]}}`},
		{`{"hello": {"args": ${ARGS}}}`, "hello", `{"args": {"pin": 1}}`},
	} {
		f.Add(s[0], s[1], s[2])
	}
	env := map[string]string{"X": `"quoted"`, "PIN": "4", "ARGS": `{"pin": 2}`}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	dir := f.TempDir()
	path := filepath.Join(dir, "services.config")
	f.Fuzz(func(t *testing.T, doc, name, patch string) {
		if !validName(name) {
			return
		}
		before, err := ParseConfig(path, []byte(doc), lookup)
		if err != nil {
			return
		}
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(lookup))
		err = m.PatchConfig(name, []byte(patch))
		got, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if string(got) != doc {
				t.Fatalf("a refused patch (%v) changed the file:\n%s", err, got)
			}
			return
		}
		after, err := ParseConfig(path, got, lookup)
		if err != nil {
			t.Fatalf("patching %s with %s wrote a file that does not parse: %v\n%s", name, patch, err, got)
		}
		// The other entries keep their text byte for byte.
		start := skipSpace(before.p.exp, 0)
		fields, _ := readObject(before.p.exp[start:], start)
		for _, fl := range fields {
			text := doc[before.p.m.orig(fl.keyOff):before.p.m.origEnd(fl.valEnd)]
			if fl.key != name && !strings.Contains(string(got), text) {
				t.Fatalf("patching %s with %s lost the text %q of another entry:\n%s", name, patch, text, got)
			}
		}
		// The expanded texts: the merge of the patch as a literal value.
		top := []byte(`{` + strconv.Quote(name) + `: ` + patch + `}`)
		if e, ok := before.Entry(name); ok {
			top = []byte(`{` + strconv.Quote(name) + `: ` + string(intoKwargs(e, []byte(patch))) + `}`)
		}
		exp := before.p.exp
		if len(bytes.TrimSpace(exp)) == 0 {
			exp = []byte("{}")
		}
		var dv, pv, rv any
		json.Unmarshal(exp, &dv)
		json.Unmarshal(top, &pv)
		json.Unmarshal(after.p.exp, &rv)
		if want := rfc7396(dv, pv); !reflect.DeepEqual(rv, want) {
			t.Fatalf("patching %s with %s gave\n%s\nwhose value is %v, want %v", name, patch, got, rv, want)
		}
	})
}
