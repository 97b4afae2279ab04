package aioservice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestLoadStatusAndTraceback(t *testing.T) {
	r := testRegistry()
	r.MustRegister(Define("dofail", nothing, struct{}{}, WithSource("services/dofail.go"),
		WithOnLoad(func(ctx context.Context, _ struct{}) error {
			var zero int
			_ = 1 / zero
			return nil
		})))
	r.MustRegister(Define("broken", nothing, struct{}{}, WithSource("services/broken.go"),
		WithOnLoad(func(ctx context.Context, _ struct{}) error { return fmt.Errorf("no sensor on pin %d", 4) })))
	err := r.Register(Define("mismatch", nothing, struct{}{}, WithOnLoad(func(ctx context.Context, _ helloArgs) error { return nil })))
	if err == nil || err.Error() != `aioservice: service "mismatch": WithOnLoad callback is func(context.Context, aioservice.helloArgs) error, want func(context.Context, struct {}) error` {
		t.Errorf("Register(mismatched OnLoad) = %v", err)
	}
	for _, bad := range []*Service{Define("hello.service", nothing, struct{}{}), Define("x", nothing, struct{}{}, WithType("daemon")), Define("hello", nothing, struct{}{})} {
		if err := r.Register(bad); err == nil {
			t.Errorf("Register(%q, %q) succeeded", bad.name, bad.typ)
		}
	}
	out := &syncBuffer{}
	g := quietGroup()
	m := NewManager(g, r, WithOutput(out))
	err = m.LoadAll(t.Context(), false)
	if err == nil || !strings.Contains(err.Error(), "dofail.service: panic: runtime error: integer divide by zero") {
		t.Errorf("LoadAll = %v", err)
	}
	src := func(n string) string { s, _ := r.get(n); return s.source }
	want := []string{
		"[ OK ] Service: hello.service from " + src("hello") + " loaded",
		"[ OK ] Service: world.service from " + src("world") + " loaded",
		"[ OK ] Service: network.service from " + src("network") + " loaded",
		"[ OK ] Service: time.service from " + src("time") + " loaded",
		"[ ERROR ] Service: dofail.service from services/dofail.go not loaded: Error: panic: runtime error: integer divide by zero",
		"[ ERROR ] Service: broken.service from services/broken.go not loaded: Error: no sensor on pin 4",
	}
	if got := out.Lines(); !slices.Equal(got, want) {
		t.Errorf("printed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := m.LoadStatus(); !slices.Equal(got, want) {
		t.Errorf("LoadStatus:\n%s", strings.Join(got, "\n"))
	}
	if got := m.LoadStatus("dofail.service", "hel*"); len(got) != 2 || got[0] != want[0] || got[1] != want[4] {
		t.Errorf("LoadStatus(patterns) = %q", got)
	}
	if !strings.HasPrefix(src("hello"), "aioservice/helpers_test.go:") {
		t.Errorf("source = %q, want the file and line of Define", src("hello"))
	}
	tb, err := m.Traceback("dofail")
	if err != nil || !strings.HasPrefix(tb, "panic: runtime error: integer divide by zero\ngoroutine ") || !strings.Contains(tb, "TestLoadStatusAndTraceback") {
		t.Errorf("traceback = %q, %v", tb, err)
	}
	if tb, _ := m.Traceback("hello"); tb != "" {
		t.Errorf("traceback of a loaded service = %q", tb)
	}
	if _, err := m.Traceback("nope"); !errors.Is(err, ErrNotLoaded) {
		t.Errorf("Traceback(nope) = %v", err)
	}
	if got := g.Names(); !slices.Equal(got, []string{"hello.service", "world.service", "network.service", "time.service"}) {
		t.Errorf("tasks = %v", got)
	}
	if err := m.Load(t.Context(), "hello", false); !errors.Is(err, ErrAlreadyLoaded) {
		t.Errorf("second Load = %v", err)
	}
	if err := m.Load(t.Context(), "nope", false); !errors.Is(err, ErrUnknownService) {
		t.Errorf("Load(nope) = %v", err)
	}
	if err := m.Unload(t.Context(), "hello"); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Get("hello.service"); ok {
		t.Error("Unload left the task")
	}
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Errorf("Load after Unload = %v", err)
	}
	// A failed service can be loaded again once fixed; here it fails again.
	if err := m.Load(t.Context(), "broken", false); err == nil {
		t.Error("loading broken again succeeded")
	}
}
