package aioweb

import (
	"context"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// The dashboard runs a verb the program registered, through the same
// interpreter as its buttons.
func TestExecUserVerb(t *testing.T) {
	f := newFixture(t)
	err := f.srv.Interp().Register(control.UserVerb{Name: "hello-world", Summary: "greets",
		Run: control.Words("", func(context.Context, []string) (string, error) { return "hello, world", nil })})
	if err != nil {
		t.Fatal(err)
	}
	if st, a := f.exec(t, "hello-world"); st != 200 || !a.OK || a.Text != "hello, world\n" || a.Verb != "hello-world" {
		t.Errorf("hello-world: %d %+v", st, a)
	}
}
