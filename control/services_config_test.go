package control_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

type pinSleep struct {
	Pin   int                 `json:"pin"`
	Sleep aioservice.Duration `json:"sleep"`
}

// configProgram is an interpreter whose services (hello) have the config
// file text; it returns the interpreter and the file's path.
func configProgram(t *testing.T, text string) (*control.Interp, string) {
	t.Helper()
	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("hello", func(ctx context.Context, a pinSleep) (int, error) { return a.Pin, nil }, pinSleep{Pin: 2}))
	path := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	g := aioctl.NewGroup()
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(path), aioservice.WithEnv(func(string) (string, bool) { return "", false }))
	in, err := control.NewInterp(control.Components{Group: g, Services: m})
	if err != nil {
		t.Fatal(err)
	}
	return in, path
}

// services config NAME JSON is a JSON merge patch (RFC 7396) of the
// service's entry: what it does not name stays as it was.
func TestServicesConfigMerges(t *testing.T) {
	in, path := configProgram(t, "{\"hello\": {\"args\": {\"pin\": 2, \"sleep\": \"5s\"},\n  \"restart\": {\"mode\": \"always\", \"delay\": \"1s\", \"window\": \"1m\"}}}\n")
	ctx := ctxT(t)
	for _, line := range []string{`services config hello '{"args": {"pin": 4}}'`, `services config hello '{"restart": {"budget": 2}}'`} {
		if r := in.ExecLine(ctx, line, control.Options{}); r.Err != nil {
			t.Fatalf("%s: %v", line, r.Err)
		}
	}
	want := "{\"hello\": {\"args\": {\"pin\": 4, \"sleep\": \"5s\"},\n  \"restart\": {\"mode\": \"always\", \"delay\": \"1s\", \"window\": \"1m\", \"budget\": 2}}}\n"
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("file =\n%s\nwant\n%s", b, want)
	}
	for _, bad := range []string{`services config hello '{"args": {"pin": 1, "pin": 2}}'`, `services config hello '[1]'`, `services config hello '{"args": {"pni": 1}}'`} {
		if r := in.ExecLine(ctx, bad, control.Options{}); r.Err == nil || r.Err.Code != control.CodeBadArgument {
			t.Errorf("%s: %v, want bad_argument", bad, r.Err)
		}
	}
	if r := in.ExecLine(ctx, `services config nosuch '{"enabled": true}'`, control.Options{}); r.Err == nil || r.Err.Code != control.CodeNotFound {
		t.Errorf("services config nosuch: %v, want not_found", r.Err)
	}
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("a refused edit changed the file:\n%s", b)
	}
}
