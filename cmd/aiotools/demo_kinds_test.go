package main

import (
	"log/slog"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Issue 12 item 1: the demo registers its functions, so that `add blink`
// works against it and `help add` lists them.
func TestDemoRegistersItsKinds(t *testing.T) {
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))
	if err := registerKinds(g); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range g.Kinds() {
		names = append(names, k.Name+" "+string(k.Defaults))
	}
	want := []string{"answer 21", "blink " + `{"pin":2,"sleep":"2s"}`, "crash {}", "divide 0"}
	if len(names) != len(want) {
		t.Fatalf("kinds = %q", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("kinds = %q, want %q", names, want)
		}
	}
	tk, err := g.AddKind("answer", "", []byte("4"))
	if err != nil {
		t.Fatal(err)
	}
	<-tk.Done()
	if tk.Result() != 8 {
		t.Fatalf("add answer 4: result %v", tk.Result())
	}
}
