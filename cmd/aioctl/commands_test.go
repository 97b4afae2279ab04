package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
)

// TestCLIKnowsNoVerbByName: the CLI and its shell take everything about a
// verb (trailing debug, streaming, completion kind) from the table, so no
// string in their code names a verb, a word of one, or a flag (issue 11
// item 2). A new verb then needs no change here.
func TestCLIKnowsNoVerbByName(t *testing.T) {
	known := map[string]string{}
	for _, v := range api.Verbs() {
		known[v.Name] = "verb"
		for _, w := range v.Words() {
			known[w] = "verb word"
		}
		for _, f := range v.Flags {
			known[f.Name] = "flag"
		}
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if what, ok := known[strings.TrimPrefix(s, "--")]; ok {
				t.Errorf("%s: %q names a %s: take it from the verb table", fset.Position(lit.Pos()), s, what)
			}
			return true
		})
	}
}

// TestHelpIsLocal: "aioctl help VERB" (the table's help, as the shell
// prints it) and "aioctl VERB --help" (cobra's page) are made from the
// table, exit codes included, without a program to ask.
func TestHelpIsLocal(t *testing.T) {
	t.Setenv("AIOCTL_SOCKET", filepath.Join(t.TempDir(), "none.sock"))
	for _, tc := range []struct {
		args       []string
		usage, why string
	}{
		{[]string{"help", "is-active"}, "usage: is-active PATTERN...", "exit status: 0 every named task is active, 3 "},
		{[]string{"is-active", "--help"}, "aioctl is-active PATTERN...", "Exit status: 0 every named task is active, 3 "},
	} {
		var out, errs strings.Builder
		code := run(tc.args, strings.NewReader(""), &out, &errs)
		if code != 0 || !strings.Contains(out.String(), tc.usage) || !strings.Contains(out.String(), tc.why) {
			t.Errorf("aioctl %q: exit %d\n%s\n%s", tc.args, code, out.String(), errs.String())
		}
	}
}
