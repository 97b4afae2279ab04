package aioservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// services config merges: keys the patch does not name keep their text
// byte for byte, objects merge key by key, null deletes (RFC 7396).
func TestPatchConfigMerges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	orig := "{\n  \"hello\": {\n    \"args\": {\"pin\": 2, \"sleep\": \"3s\"},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\"}\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 90}}}\n}\n"
	writeFile(t, path, orig)
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	steps := []struct{ name, patch, want string }{
		{"hello", `{"args": {"pin": 4}}`,
			"{\n  \"hello\": {\n    \"args\": {\"pin\": 4, \"sleep\": \"3s\"},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\"}\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 90}}}\n}\n"},
		{"hello", `{"restart": {"budget": 2}}`,
			"{\n  \"hello\": {\n    \"args\": {\"pin\": 4, \"sleep\": \"3s\"},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\", \"budget\": 2}\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 90}}}\n}\n"},
		{"hello", `{"args": {"sleep": null}, "enabled": false}`,
			"{\n  \"hello\": {\n    \"args\": {\"pin\": 4},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\", \"budget\": 2},\n    \"enabled\": false\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 90}}}\n}\n"},
		// schedule lives in kwargs in this entry: the edit lands there.
		{"world", `{"schedule": {"repeat": 60}}`,
			"{\n  \"hello\": {\n    \"args\": {\"pin\": 4},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\", \"budget\": 2},\n    \"enabled\": false\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 60}}}\n}\n"},
		{"time", `{"requires": ["network"], "ignored": null}`,
			"{\n  \"hello\": {\n    \"args\": {\"pin\": 4},\n    \"restart\": {\"mode\": \"on-failure\", \"delay\": 1.5, \"window\": \"1m\", \"budget\": 2},\n    \"enabled\": false\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 60}}},\n  \"time\": {\"requires\": [\"network\"]}\n}\n"},
		{"hello", `{"restart": null, "args": null}`,
			"{\n  \"hello\": {\n    \"enabled\": false\n  },\n  \"world\": {\"kwargs\": {\"schedule\": {\"start_in\": 20, \"repeat\": 60}}},\n  \"time\": {\"requires\": [\"network\"]}\n}\n"},
	}
	for _, s := range steps {
		if err := m.PatchConfig(s.name, []byte(s.patch)); err != nil {
			t.Fatalf("PatchConfig(%s, %s): %v", s.name, s.patch, err)
		}
		if b, _ := os.ReadFile(path); string(b) != s.want {
			t.Fatalf("after %s %s the file is\n%s\nwant\n%s", s.name, s.patch, b, s.want)
		}
	}
}

// A patch that is not an object, repeats a key, or would make the entry
// invalid is refused with the field's name, and the file is untouched.
func TestPatchConfigRefusals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	orig := `{"hello": {"args": {"pin": 2}}}`
	writeFile(t, path, orig)
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	cases := []struct{ name, patch, field, msg string }{
		{"hello", `[1]`, "hello", "JSON object"},
		{"hello", `null`, "hello", "JSON object"},
		{"hello", `{"args": `, "hello", "invalid JSON"},
		{"hello", `{"args": {"pin": "x"}}`, "hello.args.pin", "cannot use string as int"},
		{"hello", `{"color": 1}`, "hello.color", "unknown key"},
		{"hello", `{"args": {"pin": 1, "pin": 2}}`, "hello.args.pin", "set twice"},
		{"hello", `{"enabled": true, "enabled": false}`, "hello.enabled", "set twice"},
		{"hello", `{"restart": {"mode": "sometimes"}}`, "hello.restart.mode", "unknown restart mode"},
		{"time", `{"requires": ["time"]}`, "time.requires", "dependency cycle"},
	}
	for _, c := range cases {
		err := m.PatchConfig(c.name, []byte(c.patch))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field || !strings.Contains(ce.Msg, c.msg) {
			t.Errorf("PatchConfig(%s, %s) = %v, want field %q and %q", c.name, c.patch, err, c.field, c.msg)
			continue
		}
		if ce.Line != 0 || !strings.Contains(err.Error(), "unchanged") {
			t.Errorf("PatchConfig(%s, %s) = %v: want no position in a file that was not written, and that it is unchanged", c.name, c.patch, err)
		}
	}
	if err := m.PatchConfig("nosuch", []byte(`{"enabled": true}`)); !errors.Is(err, ErrUnknownService) {
		t.Errorf("PatchConfig(nosuch) = %v, want ErrUnknownService", err)
	}
	if b, _ := os.ReadFile(path); string(b) != orig {
		t.Errorf("a refused patch changed the file: %s", b)
	}
}

// rfc7396 is the merge patch algorithm of RFC 7396, section 2, on
// decoded values: the oracle the text edits are checked against.
func rfc7396(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	out := make(map[string]any, len(tm))
	maps.Copy(out, tm)
	for k, v := range pm {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = rfc7396(out[k], v)
		}
	}
	return out
}

// checkMerge checks the text result of merging patch into doc: valid
// JSON, the RFC 7396 value, and every member the patch does not name (at
// any depth the patch reaches) still there byte for byte.
func checkMerge(t *testing.T, doc, patch, result []byte) {
	t.Helper()
	var dv, pv, rv any
	if err := json.Unmarshal(doc, &dv); err != nil {
		t.Fatalf("bad doc %q: %v", doc, err)
	}
	if err := json.Unmarshal(patch, &pv); err != nil {
		t.Fatalf("bad patch %q: %v", patch, err)
	}
	if err := json.Unmarshal(result, &rv); err != nil {
		t.Fatalf("merging %s into %s gave invalid JSON %q: %v", patch, doc, result, err)
	}
	if want := rfc7396(dv, pv); !reflect.DeepEqual(rv, want) {
		t.Fatalf("merging %s into %s gave\n%s\nwant the value %v", patch, doc, result, want)
	}
	var untouched func(raw []byte, patch any)
	untouched = func(raw []byte, patch any) {
		pm, ok := patch.(map[string]any)
		fields, isObj := readObject(raw, 0)
		if !ok || !isObj {
			return
		}
		for _, f := range fields {
			sub, named := pm[f.key]
			if !named {
				if text := raw[f.keyOff:f.valEnd]; !bytes.Contains(result, text) {
					t.Fatalf("merging %s into %s lost the untouched text %q:\n%s", patch, doc, text, result)
				}
				continue
			}
			untouched(f.val, sub)
		}
	}
	untouched(bytes.TrimSpace(doc), pv)
	lead := len(doc) - len(bytes.TrimLeft(doc, " \t\r\n"))
	trail := len(doc) - len(bytes.TrimRight(doc, " \t\r\n"))
	if lead+trail < len(doc) && (!bytes.HasPrefix(result, doc[:lead]) || !bytes.HasSuffix(result, doc[len(doc)-trail:])) {
		t.Fatalf("merging %s into %s changed the text around the object:\n%q", patch, doc, result)
	}
}

// jsonGen writes random JSON text in varied layouts.
type jsonGen struct{ r *rand.Rand }

var genKeys = []string{`"a"`, `"b"`, `"c"`, `"d"`, `"\u0065"`, `"x y"`, `"é"`, `"q\"t"`}

func (g jsonGen) ws() string {
	return []string{"", " ", "\n  ", "\t", "\n", "  "}[g.r.IntN(6)]
}

func (g jsonGen) object(depth int, nulls bool) string {
	var b strings.Builder
	b.WriteString("{" + g.ws())
	seen := map[string]bool{}
	for i, n := 0, g.r.IntN(5); i < n; i++ {
		k := genKeys[g.r.IntN(len(genKeys))]
		var dk string
		json.Unmarshal([]byte(k), &dk)
		if seen[dk] {
			continue
		}
		seen[dk] = true
		if len(seen) > 1 {
			b.WriteString(g.ws() + "," + g.ws())
		}
		b.WriteString(k + g.ws() + ":" + g.ws() + g.value(depth+1, nulls))
	}
	b.WriteString(g.ws() + "}")
	return b.String()
}

func (g jsonGen) value(depth int, nulls bool) string {
	n := 7
	if depth > 3 {
		n = 5
	}
	switch g.r.IntN(n) {
	case 0:
		if nulls {
			return "null"
		}
		return "false"
	case 1:
		return strconv.Itoa(g.r.IntN(100) - 50)
	case 2:
		return []string{`"s"`, `""`, `"${X}"`, `"a\\b"`, `"é"`}[g.r.IntN(5)]
	case 3:
		return "true"
	case 4:
		return "[1," + g.ws() + `"two", {"a": null}]`
	default:
		return g.object(depth, nulls)
	}
}

// Random files × random patches give the RFC 7396 result, and keep the
// text of what the patch does not name.
func TestMergePatchProperty(t *testing.T) {
	g := jsonGen{rand.New(rand.NewPCG(1, 2))}
	for range 5000 {
		doc := []byte(g.ws() + g.object(0, true) + g.ws())
		patch := []byte(g.object(0, true))
		got, err := mergePatchText(doc, patch)
		if err != nil {
			t.Fatalf("merging %s into %s: %v", patch, doc, err)
		}
		checkMerge(t, doc, patch, got)
	}
}

// An edit of a file that already has a problem elsewhere reports that
// problem where it is in the file; an edit that fixes it goes through.
func TestPatchConfigOnAFileWithAProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "services.config")
	writeFile(t, path, "{\n  \"time\": {\"requires\": [\"nosuch\"]}\n}\n")
	m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
	err := m.PatchConfig("hello", []byte(`{"enabled": false}`))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "time.requires[0]" || ce.Line != 2 || ce.Column != 25 {
		t.Errorf("PatchConfig = %v, want the file's problem at 2:25, time.requires[0]", err)
	}
	if err := m.PatchConfig("time", []byte(`{"requires": ["network"], "after": ["hello"]}`)); err != nil {
		t.Fatalf("the fixing patch = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{\n  \"time\": {\"requires\": [\"network\"], \"after\": [\"hello\"]}\n}\n" {
		t.Errorf("file = %s", b)
	}
}

// A secret shown masked and sent back as it was shown keeps the file's
// value: `services config mqtt` with "password": "xxxxx" (what
// get-config shows) wrote the mask over "${MQTT_PASSWORD}", and the next
// load ran without a password.
func TestMaskedSecretSentBackKeepsTheFilesValue(t *testing.T) {
	doc := []byte(`{"mqtt": {"enabled": true, "args": {"user": "dev1", "password": "${MQTT_PASSWORD}"}}}`)
	got, err := mergePatchText(doc, []byte(`{"mqtt": {"args": {"user": "dev2", "password": "xxxxx"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"mqtt": {"enabled": true, "args": {"user": "dev2", "password": "${MQTT_PASSWORD}"}}}`; string(got) != want {
		t.Errorf("merged:\n%s\nwant\n%s", got, want)
	}
	// A new password is written as given.
	got, _ = mergePatchText(doc, []byte(`{"mqtt": {"args": {"password": "n3w"}}}`))
	if !strings.Contains(string(got), `"password": "n3w"`) {
		t.Errorf("a new password: %s", got)
	}
}
