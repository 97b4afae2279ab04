package api_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const module = "github.com/aiotools-go/aiotools"

// serverSide are the packages a client must not link: the server and the
// parts of a program it drives, and os/exec (the service layer's).
var serverSide = []string{
	module + "/control",
	module + "/aioctl",
	module + "/aiolog",
	module + "/aioschedule",
	module + "/aioservice",
	"os/exec",
}

// execVia are the libraries that may link os/exec into a client: they
// do for a feature the client never calls (bubbletea's ExecProcess,
// colorprofile's tmux probe; aioctl top uses neither).
var execVia = map[string]bool{"github.com/charmbracelet/bubbletea": true, "github.com/charmbracelet/colorprofile": true}

// importersOf returns the packages among pkg's dependencies that import
// target directly.
func importersOf(t *testing.T, pkg, target string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	var by []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if imp == target {
				by = append(by, f[0])
			}
		}
	}
	return by
}

// goListDeps returns the packages pkg links (go list -deps).
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, msg)
	}
	return strings.Fields(string(out))
}

// TestClientsDoNotLinkTheServer: the aioctl binary, the Go client and
// the wire packages link none of the server side, so that a tool that only
// talks to programs stays small (issue 11 item 1).
func TestClientsDoNotLinkTheServer(t *testing.T) {
	for _, pkg := range []string{"/cmd/aioctl", "/control/client", "/control/api", "/control/sockdir"} {
		deps := goListDeps(t, module+pkg)
		for _, d := range deps {
			for _, bad := range serverSide {
				if d != bad {
					continue
				}
				if bad == "os/exec" {
					by := importersOf(t, module+pkg, bad)
					if !slices.ContainsFunc(by, func(p string) bool { return !execVia[p] }) {
						continue // only through execVia's libraries
					}
					t.Errorf("%s links %s (imported by %s)", pkg, d, strings.Join(by, ", "))
					continue
				}
				t.Errorf("%s links %s", pkg, d)
			}
		}
	}
}

// TestWirePackagesAreStdlibOnly: control/api and control/sockdir import
// the standard library only (any fleet, dashboard or TinyGo-ish front end
// can take them).
func TestWirePackagesAreStdlibOnly(t *testing.T) {
	for _, pkg := range []string{"/control/api", "/control/sockdir"} {
		for _, d := range goListDeps(t, module+pkg) {
			if d == module+pkg {
				continue
			}
			if first, _, _ := strings.Cut(d, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s, which is not in the standard library", pkg, d)
			}
		}
	}
}
