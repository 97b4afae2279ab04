// The house's floor plan, checked. DESIGN.md: "Each floor imports only
// floors below it; a test in the repository states the allowed imports and
// fails on any other." This is that test, in the manner of the Go tree's
// go/build/deps_test.go.
//
// # The floor plan
//
// floorPlan has one line per package of the module, lowest floor first:
//
//	aioschedule : CORE clock aioctl github.com/robfig/cron/v3
//
// Before the colon, the package's path inside the module ("examples/..."
// covers every package under examples). After it, first the part of the
// standard library the package may use, CORE or STD, then the packages of
// this module it may import directly, then the third-party modules (by
// module path) it may import:
//
//   - CORE is the standard library without os/exec, net, net/... and
//     os/signal, which the TinyGo boards the core runs on lack (DESIGN.md).
//   - STD is all of the standard library.
//
// A line may only allow packages listed on lines above it, so nothing
// imports upward and there can be no cycle. A package of the module that
// has no line fails the test, which prints the line to add; a line for a
// package that does not exist (yet) is only logged.
//
// Imports are read from every non-test .go file of a package, whatever its
// build constraints (tinygo, GOOS, ignore), so the rules hold in every
// build. Test files are free: a test may import any package (the CLI's
// tests start a server).
//
// # Closure rules
//
// reachRules go further than direct imports: a package must not link in
// the named packages by any path, as `go list -deps` (default build and
// -tags tinygo) sees it; the core, for one, must not reach os/exec through
// a third-party module.
//
// pendingRules are closure rules the design asks for that do not hold yet,
// each naming the work that makes it hold. The test checks them in
// reverse: while a pending rule is broken, the test logs it (go test -v)
// with the import chain that breaks it, and passes; once it holds, the test
// fails and asks the developer to move it to reachRules, where it is
// enforced from then on. So the test is never knowingly red, and a rule
// once met cannot silently break again.
package layers

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// floorPlan: see the file comment. Adding a package is adding its line.
const floorPlan = `
# The core: Go 1.23, TinyGo-ready. The one third-party module it uses is
# the cron field parser, in aioschedule (next run times are computed here).
clock             : CORE
internal/termsafe : CORE
aiolog            : CORE internal/termsafe
aioctl            : CORE clock internal/termsafe
aioschedule       : CORE clock aioctl github.com/robfig/cron/v3
aioled            : CORE clock aioctl
aioled/term       : CORE aioled internal/termsafe

# Services, the wire types, the control server and its client.
aioservice        : STD clock aioctl aioschedule internal/termsafe golang.org/x/sys
aioled/spidev     : STD aioled golang.org/x/sys
control/api       : STD
control/sockdir   : STD
internal/lineedit : STD control/api github.com/peterh/liner golang.org/x/term
control           : STD clock aioctl aiolog aioschedule aioservice control/api control/sockdir internal/lineedit internal/termsafe
control/client    : STD control/api
aiometrics        : STD aioctl aioschedule control control/api control/sockdir internal/termsafe github.com/prometheus/client_golang
aioweb            : STD aioctl control control/api control/sockdir internal/termsafe
aiosystemd        : STD clock aioctl aioschedule aioservice github.com/coreos/go-systemd/v22/daemon

# Fleet mode: the client side (the CLI's), the embedded broker, the device side.
aiomqtt/fleet     : STD control/api github.com/eclipse/paho.golang
aiomqtt/broker    : STD github.com/mochi-mqtt/server/v2
aiomqtt           : STD clock aioctl aioservice control control/api aiomqtt/fleet github.com/eclipse/paho.golang
internal/top      : STD control/api control/client aiomqtt/fleet internal/termsafe github.com/charmbracelet/bubbletea github.com/charmbracelet/lipgloss github.com/charmbracelet/x/ansi github.com/muesli/termenv

# The programs, the examples, and this test.
cmd/aioctl        : STD control/api control/client control/sockdir internal/lineedit internal/termsafe internal/top aiomqtt/fleet github.com/peterh/liner github.com/spf13/cobra golang.org/x/term
cmd/aiotools      : STD clock aioctl aioled aioled/term aiolog aioschedule aioservice aiosystemd aioweb control control/api control/client aiometrics control/sockdir internal/termsafe aiomqtt aiomqtt/broker golang.org/x/term
examples/...      : STD clock aioctl aiolog aioschedule aioservice control control/api control/client
internal/layers   : STD
internal/tmuxtest : STD
internal/fleettest: STD aioctl aiolog control aiomqtt aiomqtt/broker
`

// A reachRule says that none of the packages in from may link in any of
// never, directly or not. Names are floor-plan paths for the module's
// packages, import paths otherwise; "net/..." matches net/http and the like.
type reachRule struct {
	from, never []string
	why         string
}

// through are, per package, libraries whose own imports the reach rules
// do not follow: they link a banned package for a feature the package
// never calls (bubbletea's ExecProcess and colorprofile's tmux probe link
// os/exec; aioctl top uses neither).
var through = map[string][]string{
	"cmd/aioctl": {"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/colorprofile"},
}

// reachRules are enforced. Besides these, no CORE package of the floor
// plan may reach os/exec, net, net/... or os/signal (coreRule).
var reachRules = []reachRule{
	{[]string{"aioctl"}, []string{"aiolog"},
		"aioctl reads a task's log lines through its LogSource interface, which the ring satisfies (DESIGN.md)"},
	{[]string{"aiolog"}, []string{"aioctl"},
		"the ring log knows nothing of tasks (DESIGN.md)"},
	{[]string{"cmd/aioctl"}, []string{"aioservice", "aioschedule", "aioctl", "aiolog", "os/exec"},
		"the CLI is client side only and never links the server side (DESIGN.md)"},
	{[]string{"control/client"}, []string{"control", "aioservice", "aioschedule", "aioctl", "aiolog"},
		"the Go client imports control/api only (DESIGN.md)"},
}

// coreRule is the reach rule for the CORE packages of the floor plan.
func coreRule(floors []*floor) reachRule {
	r := reachRule{never: []string{"os/exec", "net", "net/...", "os/signal"},
		why: "the core runs on TinyGo boards, which lack them (DESIGN.md)"}
	for _, f := range floors {
		if f.core {
			r.from = append(r.from, f.pkg)
		}
	}
	return r
}

// pendingRules do not hold yet; see the file comment.
var pendingRules = []reachRule{}

// A floor is one line of the floor plan.
type floor struct {
	line    int      // in floorPlan, for messages
	pkg     string   // path in the module, maybe ending in "/..."
	core    bool     // CORE rather than STD
	allowed []string // the module's packages it may import
	modules []string // third-party module paths it may import
}

func (f *floor) matches(rel string) bool {
	if dir, ok := strings.CutSuffix(f.pkg, "/..."); ok {
		return rel == dir || strings.HasPrefix(rel, dir+"/")
	}
	return rel == f.pkg
}

// parseFloorPlan reads a floor plan and checks that it is well formed:
// known words, no package twice, allowed packages only from lines above.
// A floor's line is its line number in text, counting from 0.
func parseFloorPlan(text string) ([]*floor, error) {
	var floors []*floor
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		pkg, rest, ok := strings.Cut(line, ":")
		words := strings.Fields(rest)
		if !ok || len(strings.Fields(pkg)) != 1 || len(words) == 0 || (words[0] != "CORE" && words[0] != "STD") {
			return nil, fmt.Errorf("line %d: want \"package : CORE|STD imports...\", got %q", i, line)
		}
		f := &floor{line: i, pkg: strings.TrimSpace(pkg), core: words[0] == "CORE"}
		if seen[f.pkg] {
			return nil, fmt.Errorf("line %d: %s has a line already", i, f.pkg)
		}
		for _, w := range words[1:] {
			if thirdParty(w) {
				f.modules = append(f.modules, w)
				continue
			}
			if !seen[w] {
				return nil, fmt.Errorf("line %d: %s may import %s only if %s is on a line above it (nothing imports upward)", i, f.pkg, w, w)
			}
			f.allowed = append(f.allowed, w)
		}
		seen[f.pkg] = true
		floors = append(floors, f)
	}
	return floors, nil
}

// loadFloorPlan parses floorPlan and numbers its floors by their line in
// this file, so that messages point at the line to change.
func loadFloorPlan(t *testing.T) []*floor {
	t.Helper()
	floors, err := parseFloorPlan(floorPlan)
	if err != nil {
		t.Fatalf("floorPlan %v", err)
	}
	src, err := os.ReadFile("layers_test.go")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(src, []byte("const floorPlan = `"))
	base := bytes.Count(src[:max(i, 0)], []byte("\n")) + 1
	for _, f := range floors {
		f.line += base
	}
	return floors
}

func TestFloorPlanRejectsUpwardImports(t *testing.T) {
	for _, bad := range []string{
		"a : CORE b\nb : CORE", // upward: b is above a
		"a : CORE a",           // itself
		"a : STD\na : STD",     // twice
		"a : CORE\nb : SOME a", // unknown standard-library class
		"a b : STD",            // two packages
		"a STD",                // no colon
	} {
		if _, err := parseFloorPlan(bad); err == nil {
			t.Errorf("parseFloorPlan(%q) accepted it", bad)
		}
	}
	if _, err := parseFloorPlan("a : CORE\nb : STD a example.com/m # ok"); err != nil {
		t.Errorf("a good plan: %v", err)
	}
}

// thirdParty reports whether an import path is outside the standard
// library and this module: its first element has a dot, as module paths do.
func thirdParty(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// coreBanned is what CORE leaves out of the standard library.
func coreBanned(path string) bool {
	return path == "os/exec" || path == "net" || strings.HasPrefix(path, "net/") || path == "os/signal"
}

func TestEveryImportIsOnTheFloorPlan(t *testing.T) {
	floors := loadFloorPlan(t)
	m := loadModule(t, "")
	rels := slices.Sorted(maps.Keys(m.pkgs))
	for _, f := range floors {
		if !slices.ContainsFunc(rels, f.matches) {
			t.Logf("layers_test.go:%d: %s is not in the module (yet)", f.line, f.pkg)
		}
	}
	for _, rel := range rels {
		imports := fileImports(t, m.pkgs[rel])
		i := slices.IndexFunc(floors, func(f *floor) bool { return f.matches(rel) })
		if i < 0 {
			t.Errorf("package %s is not on the floor plan: add its line to floorPlan in internal/layers/layers_test.go,\n"+
				"above every package that imports it and below every package it imports, such as\n\t%s",
				rel, suggestLine(m, rel, imports))
			continue
		}
		f := floors[i]
		for _, imp := range slices.Sorted(maps.Keys(imports)) {
			files := strings.Join(imports[imp], ", ")
			switch {
			case m.inModule(imp):
				if to := m.rel(imp); !slices.Contains(f.allowed, to) {
					t.Errorf("%s imports %s (in %s), which layers_test.go:%d does not allow.\n"+
						"A package imports only packages on floors below it; %s may import: %s.\n"+
						"If %s is below %s, add it to that line; if not, the code belongs elsewhere "+
						"(or the lower package defines a small interface that the higher one implements).",
						rel, to, files, f.line, rel, orNone(f.allowed), to, rel)
				}
			case thirdParty(imp):
				if !slices.ContainsFunc(f.modules, func(mod string) bool { return imp == mod || strings.HasPrefix(imp, mod+"/") }) {
					t.Errorf("%s imports %s (in %s), from a third-party module that layers_test.go:%d does not allow; it allows: %s",
						rel, imp, files, f.line, orNone(f.modules))
				}
			case f.core && coreBanned(imp):
				t.Errorf("core package %s imports %s (in %s): the core runs on TinyGo boards, which lack os/exec, net and os/signal (DESIGN.md)",
					rel, imp, files)
			}
		}
	}
}

// suggestLine is the floor-plan line for a package that has none, from
// what it imports today.
func suggestLine(m *module, rel string, imports map[string][]string) string {
	words := []string{rel, ":", "STD"}
	var mods []string
	for imp := range imports {
		switch {
		case m.inModule(imp):
			words = append(words, m.rel(imp))
		case thirdParty(imp):
			if mod := m.modOf[imp]; mod != "" {
				imp = mod
			}
			if !slices.Contains(mods, imp) {
				mods = append(mods, imp)
			}
		}
	}
	slices.Sort(words[3:])
	slices.Sort(mods)
	return strings.Join(append(words, mods...), " ")
}

func TestReachRules(t *testing.T) {
	rules := append([]reachRule{coreRule(loadFloorPlan(t))}, reachRules...)
	reported := map[string]bool{}
	for _, tags := range []string{"", "tinygo"} {
		m := loadModule(t, tags)
		build := "the default build"
		if tags != "" {
			build = "the build with -tags " + tags
		}
		for _, r := range rules {
			for _, v := range m.violations(t, r) {
				if !reported[v] {
					reported[v] = true
					t.Errorf("%s, in %s: %s", v, build, r.why)
				}
			}
		}
	}
}

func TestPendingRules(t *testing.T) {
	m := loadModule(t, "")
	for _, r := range pendingRules {
		if !slices.ContainsFunc(r.from, func(from string) bool { return m.pkgs[from] != nil }) {
			t.Logf("pending rule for %s, which is not in the module (yet)", strings.Join(r.from, ", "))
			continue
		}
		vs := m.violations(t, r)
		if len(vs) == 0 {
			t.Errorf("pending rule now holds: %s links none of %s.\n"+
				"Move it from pendingRules to reachRules in internal/layers/layers_test.go, so that it stays true.",
				strings.Join(r.from, ", "), strings.Join(r.never, ", "))
			continue
		}
		t.Logf("pending rule, broken today: %s\n\t%s", r.why, strings.Join(vs, "\n\t"))
	}
}

// TestRulesNameFloorPlanPackages keeps the rules in step with the plan: a
// rule for a package that is not on it would never apply.
func TestRulesNameFloorPlanPackages(t *testing.T) {
	floors := loadFloorPlan(t)
	for _, r := range slices.Concat(reachRules, pendingRules) {
		for _, from := range r.from {
			if !slices.ContainsFunc(floors, func(f *floor) bool { return f.pkg == from }) {
				t.Errorf("a rule names %s, which has no line in floorPlan", from)
			}
		}
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}
