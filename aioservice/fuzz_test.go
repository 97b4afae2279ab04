package aioservice

import (
	"errors"
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
