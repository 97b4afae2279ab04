package aioservice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A change (services config NAME JSON, services add NAME JSON) that is
// wrong says where in the change: invalid JSON at its line:column, a
// field by its name and the place of its key; and the file is untouched.
func TestPatchErrorsHavePositions(t *testing.T) {
	cases := []struct {
		name, patch, field, msg string
	}{
		{"truncated", `{"args": {"pin": 2‸`, "hello", "invalid JSON at 1:19 of the change: unexpected end of the change (is a '}' or ']' missing?)"},
		{"truncated string", "{\n  \"info\": \"hel‸", "hello", "invalid JSON at 2:15 of the change: unexpected end of the change"},
		{"syntax", "{\n  \"enabled\": tru‸}", "hello", "invalid JSON at 2:17 of the change: invalid character '}' in literal true (expecting 'e')"},
		{"trailing comma", "{\"enabled\": true,‸}", "hello", "invalid JSON at 1:18 of the change"},
		{"wrong type", `{"enabled": "yes"}`, "hello.enabled", "want true or false, not a string (at 1:2 of the change; the change is refused; the file is unchanged)"},
		{"wrong type in args", "{\"args\": {\n  \"pin\": \"two\"}}", "hello.args.pin", "cannot use string as int (at 2:3 of the change; the change"},
		{"unknown field", `{"enabled": true, "enabeld": true}`, "hello.enabeld", "unknown key (want one of"},
		{"unknown field position", `{"enabled": true, "enabeld": true}`, "hello.enabeld", "(at 1:19 of the change; the change is refused"},
		{"unknown args field", `{"args": {"pni": 2}}`, "hello.args.pni", "(at 1:11 of the change; the change is refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			patch := strings.Replace(tc.patch, "‸", "", 1)
			path := filepath.Join(t.TempDir(), "services.config")
			orig := "{\n  \"hello\": {\"enabled\": true}\n}\n"
			writeFile(t, path, orig)
			m := NewManager(quietGroup(), testRegistry(), WithConfigFile(path), WithEnv(noEnv))
			for verb, err := range map[string]error{
				"PatchConfig": m.PatchConfig("hello", []byte(patch)),
				"Add":         m.Add(context.Background(), "hello", []byte(patch)),
			} {
				if verb == "Add" && !strings.HasPrefix(tc.msg, "invalid JSON") {
					continue // Add refuses an entry the file has: only the syntax comes first
				}
				var ce *ConfigError
				if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
					t.Fatalf("%s: err = %v, want a *ConfigError", verb, err)
				}
				if ce.File != path || ce.Field != tc.field || !strings.Contains(ce.Msg, tc.msg) || !strings.Contains(ce.Msg, "the change is refused; the file is unchanged") {
					t.Errorf("%s: err = %v\nwant file %s, field %q, a message with %q", verb, err, path, tc.field, tc.msg)
				}
				if want := fmt.Sprintf("%s: %s: ", path, tc.field); !strings.HasPrefix(err.Error(), want) {
					t.Errorf("%s: Error() = %q, want prefix %q", verb, err, want)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != orig {
				t.Errorf("the file changed:\n%s", b)
			}
		})
	}
}
