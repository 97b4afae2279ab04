package aioservice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvExpansion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services.config")
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# comment\nexport PIN=9\nNAME=\"from \\\"dotenv\\\"\"\nINFO='single quoted'\nSHADOWED=dotenv\n"), 0o644)
	os.WriteFile(path, []byte(`{"hello": {"args": {"pin": ${PIN}, "name": "${NAME} & ${SHADOWED}, $${LITERAL}", "sleep": "${SLEEP}"}, "info": "${INFO}"}}`), 0o644)
	env := map[string]string{"SHADOWED": "environment\nline", "SLEEP": "1m"}
	f := newConfigFile(path, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	c, err := f.read()
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
	_, err := newConfigFile(path, noEnv).read()
	if err == nil || !strings.Contains(err.Error(), ".env:2: want NAME=VALUE") {
		t.Errorf("err = %v", err)
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
