package aioservice

import (
	"context"
	"errors"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A service function that adds a child while its service is being
// unloaded (here: once Unload has cancelled its main task) must not leave
// that child in the group: Unload leaves no child behind, and AddChild
// says why it refused. Before the fix the child was added after Unload
// had listed the tasks to delete, and stayed (TestChildrenAndContext's
// flake: "after Unload the group has [parent.service.blink]").
func TestUnloadLeavesNoChildAddedWhileItStops(t *testing.T) {
	r := NewRegistry()
	added := make(chan error, 1)
	running := make(chan struct{})
	r.MustRegister(Define("parent", func(ctx context.Context, _ struct{}) (string, error) {
		close(running)
		<-ctx.Done() // Unload is stopping the service
		_, err := AddChild(ctx, "late", nothing, struct{}{})
		added <- err
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-running
	if err := m.Unload(t.Context(), "parent"); err != nil {
		t.Fatal(err)
	}
	if err := <-added; !errors.Is(err, ErrNotLoaded) {
		t.Errorf("AddChild during Unload = %v, want an ErrNotLoaded", err)
	}
	if n := g.Names(); len(n) != 0 {
		t.Errorf("after Unload the group has %v", n)
	}
}

// A child whose AddChild was already under way when Unload began is
// waited for and deleted with the service, not left behind.
func TestUnloadDeletesAChildBeingAdded(t *testing.T) {
	entered, release, ending := make(chan struct{}), make(chan struct{}), make(chan struct{})
	addChildHook = func(child string) {
		if child == "held" {
			close(entered)
			<-release
		}
	}
	lifeEndHook = func() { close(ending) }
	t.Cleanup(func() { addChildHook, lifeEndHook = nil, nil })
	r := NewRegistry()
	added := make(chan error, 1)
	r.MustRegister(Define("parent", func(ctx context.Context, _ struct{}) (string, error) {
		_, err := AddChild(ctx, "held", func(ctx context.Context, _ struct{}) (string, error) {
			<-ctx.Done()
			return "", ctx.Err()
		}, struct{}{})
		added <- err
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r)
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-entered // the child is let in, not yet in the group
	unloaded := make(chan error, 1)
	go func() { unloaded <- m.Unload(t.Context(), "parent") }()
	<-ending // Unload refuses new children and waits for this one
	close(release)
	if err := <-unloaded; err != nil {
		t.Fatal(err)
	}
	if err := <-added; err != nil {
		t.Errorf("AddChild let in before Unload = %v, want nil", err)
	}
	if n := g.Names(); len(n) != 0 {
		t.Errorf("after Unload the group has %v", n)
	}
}

// The same when the main task is deleted by hand (the manager then deletes
// the children): a child that adds a child of its own while it is being
// stopped does not leave it in the group.
func TestDeletedMainTaskLeavesNoChildAddedWhileItStops(t *testing.T) {
	r := NewRegistry()
	added := make(chan error, 1)
	running := make(chan struct{})
	r.MustRegister(Define("parent", func(ctx context.Context, _ struct{}) (string, error) {
		if _, err := AddChild(ctx, "a", func(ctx context.Context, _ struct{}) (string, error) {
			close(running)
			<-ctx.Done() // the manager is deleting the service's children
			_, err := AddChild(ctx, "b", nothing, struct{}{})
			added <- err
			return "", ctx.Err()
		}, struct{}{}); err != nil {
			return "", err
		}
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r)
	defer m.Close(t.Context())
	aGone := make(chan struct{})
	defer g.Watch(func(e aioctl.Event) {
		if e.Name == "parent.service.a" && e.Cause == aioctl.CauseDelete {
			close(aGone)
		}
	})()
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-running
	if _, err := g.Delete(t.Context(), "parent.service"); err != nil {
		t.Fatal(err)
	}
	<-aGone // a returned after its AddChild: b is in the group or never will be
	if err := <-added; !errors.Is(err, ErrNotLoaded) {
		t.Errorf("AddChild while the children are deleted = %v, want an ErrNotLoaded", err)
	}
	if n := g.Names(); len(n) != 0 {
		t.Errorf("after the delete the group has %v", n)
	}
}
