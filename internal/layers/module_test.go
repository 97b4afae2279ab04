// What the floor-plan test reads about the module: its packages and
// import graph from `go list`, and each package's imports from its files.

package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pkg is what `go list -json` says about a package.
type pkg struct {
	ImportPath     string
	Dir            string
	DepOnly        bool
	Imports        []string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	Module         *struct{ Path string }
}

// goList runs `go list -deps -json args...` in the module's root directory.
func goList(t *testing.T, args ...string) []*pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps",
		"-json=ImportPath,Dir,DepOnly,Imports,GoFiles,CgoFiles,IgnoredGoFiles,Module"}, args...)...)
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	var pkgs []*pkg
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		p := new(pkg)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			return pkgs
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
}

// module is the module's path and its packages by path inside it, from
// `go list ./...` in the default build.
type module struct {
	path  string
	pkgs  map[string]*pkg     // by floor-plan path ("." for the root package)
	graph map[string][]string // import path → its imports, std and third-party packages too
	modOf map[string]string   // import path → module path, for packages not in the standard library
}

func loadModule(t *testing.T, tags string) *module {
	t.Helper()
	args := []string{"-tags", tags, "./..."}
	m := &module{pkgs: map[string]*pkg{}, graph: map[string][]string{}, modOf: map[string]string{}}
	pkgs := goList(t, args...)
	for _, p := range pkgs {
		if !p.DepOnly && p.Module != nil {
			m.path = p.Module.Path // the packages ./... names are the main module's
		}
	}
	for _, p := range pkgs {
		m.graph[p.ImportPath] = p.Imports
		if p.Module != nil {
			m.modOf[p.ImportPath] = p.Module.Path
		}
		if !p.DepOnly && m.inModule(p.ImportPath) {
			m.pkgs[m.rel(p.ImportPath)] = p
		}
	}
	if m.path == "" || len(m.pkgs) == 0 {
		t.Fatal("go list ./... found no packages")
	}
	return m
}

// rel is an import path of the module as a floor-plan path.
func (m *module) rel(path string) string {
	if path == m.path {
		return "."
	}
	return strings.TrimPrefix(path, m.path+"/")
}

func (m *module) inModule(path string) bool {
	return path == m.path || strings.HasPrefix(path, m.path+"/")
}

// fileImports reads the imports of every non-test Go file of p, whatever
// its build constraints: import path → the files that import it.
func fileImports(t *testing.T, p *pkg) map[string][]string {
	t.Helper()
	imports := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range slices.Concat(p.GoFiles, p.CgoFiles, p.IgnoredGoFiles) {
		if strings.HasSuffix(name, "_test.go") || !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("%v", err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			imports[path] = append(imports[path], name)
		}
	}
	return imports
}

// violations lists, for each package of r.from present in the module, the
// forbidden names it links in, each with an import chain that reaches it.
func (m *module) violations(t *testing.T, r reachRule) []string {
	t.Helper()
	var out []string
	for _, from := range r.from {
		p, ok := m.pkgs[from]
		if !ok {
			continue // a planned package: the rule applies once it exists
		}
		// Breadth first, so the first package found for each name is
		// reached by a shortest chain, and that chain is shown.
		parent := map[string]string{p.ImportPath: ""}
		order := []string{p.ImportPath}
		for i := 0; i < len(order); i++ {
			if i > 0 && slices.ContainsFunc(through[from], func(name string) bool { return m.matchName(name, order[i]) }) {
				continue // a library's own business (reachRule.through)
			}
			for _, next := range m.graph[order[i]] {
				if _, seen := parent[next]; !seen {
					parent[next] = order[i]
					order = append(order, next)
				}
			}
		}
		for _, name := range r.never {
			i := slices.IndexFunc(order[1:], func(path string) bool { return m.matchName(name, path) })
			if i < 0 {
				continue
			}
			var chain []string
			for at := order[1+i]; at != ""; at = parent[at] {
				chain = append(chain, m.short(at))
			}
			slices.Reverse(chain)
			out = append(out, fmt.Sprintf("%s links %s (%s)", from, chain[len(chain)-1], strings.Join(chain, " → ")))
		}
	}
	return out
}

// matchName reports whether an import path is what a rule's name means:
// a floor-plan path of the module, or an import path, maybe ending "/...".
func (m *module) matchName(name, path string) bool {
	if _, ok := m.pkgs[strings.TrimSuffix(name, "/...")]; ok {
		name = m.path + "/" + name
	}
	if dir, ok := strings.CutSuffix(name, "/..."); ok {
		return path == dir || strings.HasPrefix(path, dir+"/")
	}
	return path == name
}

func (m *module) short(path string) string {
	if m.inModule(path) {
		return m.rel(path)
	}
	return path
}
