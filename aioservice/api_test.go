package aioservice

import (
	"go/ast"
	"go/doc"
	goparser "go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExportedAPI: the package's exported names are the ones in
// testdata/api.txt, so that a name added or removed is a decision seen in
// review (go test -update rewrites the file). Issue 11 trimmed the API to
// one way of doing each thing; this keeps it so.
func TestExportedAPI(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := goparser.ParseFile(fset, p, src, goparser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/aiotools-go/aiotools/aioservice")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range pkg.Funcs {
		names = append(names, "func "+f.Name)
	}
	for _, ty := range pkg.Types {
		names = append(names, "type "+ty.Name)
		for _, f := range ty.Funcs {
			names = append(names, "func "+f.Name)
		}
		for _, m := range ty.Methods {
			names = append(names, "method "+ty.Name+"."+m.Name)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names) // proc_linux.go and proc_other.go declare the same
	golden(t, "api.txt", strings.Join(names, "\n")+"\n")
}
