package aioservice

import (
	"context"
	"errors"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A service's main task deleted from the group by hand unloads the
// service: its children go with it, and it loads again.
func TestDeletedMainTaskUnloadsTheService(t *testing.T) {
	g := quietGroup()
	started := make(chan struct{})
	parent := func(ctx context.Context, _ struct{}) (int, error) {
		if _, err := AddChild(ctx, "blink", func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, nil }, 1); err != nil {
			return 0, err
		}
		close(started)
		<-ctx.Done()
		return 0, nil
	}
	r := NewRegistry()
	r.MustRegister(Define("hello", parent, struct{}{}))
	m := NewManager(g, r)
	defer g.Close(t.Context())
	defer m.Close(t.Context())
	childGone := make(chan struct{})
	cancel := g.Watch(func(e aioctl.Event) {
		if e.Name == "hello.service.blink" && e.Cause == aioctl.CauseDelete {
			close(childGone)
		}
	})
	defer cancel()
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-started
	if _, err := g.Delete(t.Context(), "hello.service"); err != nil {
		t.Fatal(err)
	}
	if in := m.List()[0]; in.Load != NotLoaded || in.Task != "" {
		t.Errorf("after the delete: %+v, want not loaded", in)
	}
	if err := m.Unload(t.Context(), "hello"); !errors.Is(err, ErrNotLoaded) {
		t.Errorf("unload after the delete: %v, want ErrNotLoaded", err)
	}
	<-childGone
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Fatalf("load after the delete: %v", err)
	}
	if _, ok := g.Get("hello.service"); !ok {
		t.Error("no hello.service task after the load")
	}
}
