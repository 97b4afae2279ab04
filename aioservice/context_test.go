package aioservice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// TestContextKnowsItsManager: a service's task, main or child, finds its
// own manager and service through its context, whatever other managers
// share the group (the last one made, one closed since).
func TestContextKnowsItsManager(t *testing.T) {
	type found struct {
		m    *Manager
		name string
		ok   bool
	}
	got := make(chan found, 2)
	child := func(ctx context.Context, _ struct{}) (string, error) {
		m, name, ok := FromContext(ctx)
		got <- found{m, name, ok}
		return "", nil
	}
	r1 := NewRegistry()
	r1.MustRegister(Define("one", func(ctx context.Context, _ struct{}) (string, error) {
		m, name, ok := FromContext(ctx)
		got <- found{m, name, ok}
		if _, err := AddChild(ctx, "child", child, struct{}{}); err != nil {
			return "", err
		}
		<-ctx.Done()
		return "", nil
	}, struct{}{}))
	r2 := NewRegistry()
	r2.MustRegister(Define("two", nothing, struct{}{}))
	g := quietGroup()
	m1 := NewManager(g, r1)
	defer m1.Close(context.Background())
	closed := NewManager(g, r2)
	closed.Close(t.Context())
	m2 := NewManager(g, r2) // the group's last manager
	defer m2.Close(context.Background())
	if err := m1.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m1.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, task := range []string{"one.service", "one.service.child"} {
		if f := <-got; f.m != m1 || f.name != "one" || !f.ok {
			t.Fatalf("FromContext in %s = %p %q %v, want its manager %p and \"one\"", task, f.m, f.name, f.ok, m1)
		}
	}
}

func parentTask(ctx context.Context, _ struct{}) (string, error) {
	if _, err := AddChild(ctx, "kid", kidTask, struct{}{}); err != nil {
		return "", err
	}
	<-ctx.Done()
	return "", nil
}

func kidTask(ctx context.Context, _ struct{}) (string, error) {
	<-ctx.Done()
	return "", nil
}

// TestStatusShowsTheServiceFunction: debug status names the function a
// service's task runs, the one given to Define or AddChild ("Task: …").
func TestStatusShowsTheServiceFunction(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("p", parentTask, struct{}{}))
	g := quietGroup()
	// The snapshot is taken the moment the child runs (on the goroutine
	// that started it): the child's function was recorded only after
	// aioctl.Add returned, and a status right then showed the wrapper
	// ("aioservice.AddChild[...].func1"; seen in CI).
	type snap struct {
		sts []aioctl.TaskStatus
		err error
	}
	kid := make(chan snap, 1)
	defer g.Watch(func(ev aioctl.Event) {
		if ev.Name == "p.service.kid" && ev.To == aioctl.Running {
			sts, err := g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "p.service*")
			kid <- snap{sts, err}
		}
	})()
	m := NewManager(g, r)
	defer m.Close(context.Background())
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := <-kid
	sts, err := s.sts, s.err
	if err != nil || len(sts) != 2 {
		t.Fatalf("Snapshot = %v, %v", sts, err)
	}
	want := map[string]string{"p.service": "aioservice.parentTask", "p.service.kid": "aioservice.kidTask"}
	for _, st := range sts {
		if !strings.HasSuffix(st.Func, want[st.Name]) {
			t.Errorf("%s: Func = %q, want …%s", st.Name, st.Func, want[st.Name])
		}
	}
}

func TestChildrenAndContext(t *testing.T) {
	r := NewRegistry()
	childRunning := make(chan struct{})
	second := make(chan error, 1) // the second AddChild's error
	r.MustRegister(Define("parent", func(ctx context.Context, _ struct{}) (string, error) {
		m, name, ok := FromContext(ctx)
		if !ok || name != "parent" || m == nil {
			return "", fmt.Errorf("FromContext = %v %q %v", m, name, ok)
		}
		if _, err := AddChild(ctx, "blink", func(ctx context.Context, _ int) (int, error) {
			if _, n, ok := FromContext(ctx); !ok || n != "parent" {
				return 0, errors.New("child does not know its service")
			}
			close(childRunning)
			<-ctx.Done()
			return 0, ctx.Err()
		}, 1); err != nil {
			return "", err
		}
		_, err := AddChild(ctx, "blink", func(ctx context.Context, _ int) (int, error) { return 0, nil }, 1)
		second <- err
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
	<-childRunning
	// Both AddChild calls are done before Unload: the second one meets a
	// running child, not a service being unloaded (which refuses too).
	if err := <-second; err == nil || errors.Is(err, ErrNotLoaded) {
		t.Errorf("a second running child of the same name: AddChild = %v, want a running-child error", err)
	}
	if _, ok := g.Get("parent.service.blink"); !ok {
		t.Fatalf("tasks = %v", g.Names())
	}
	if _, _, ok := FromContext(t.Context()); ok {
		t.Error("FromContext outside a service reported one")
	}
	if _, err := AddChild(t.Context(), "x", nothing, struct{}{}); err == nil {
		t.Error("AddChild outside a service succeeded")
	}
	if err := m.Unload(t.Context(), "parent"); err != nil {
		t.Fatal(err)
	}
	if n := g.Names(); len(n) != 0 {
		t.Errorf("after Unload the group has %v", n)
	}
}

// TestCloseLeavesTheGroupStatus: a closed manager is out of the group's
// status: its service headers (and it) are not kept by the group.
func TestCloseLeavesTheGroupStatus(t *testing.T) {
	g := quietGroup()
	m := NewManager(g, testRegistry())
	if err := m.Load(t.Context(), "hello", false); err != nil {
		t.Fatal(err)
	}
	header := func() *aioctl.ServiceInfo {
		sts, err := g.Snapshot(aioctl.SnapshotOptions{Debug: true}, "hello.service")
		if err != nil || len(sts) != 1 {
			t.Fatalf("Snapshot = %v, %v", sts, err)
		}
		return sts[0].Service
	}
	if header() == nil {
		t.Fatal("no service header while the manager is open")
	}
	m.Close(t.Context())
	if si := header(); si != nil {
		t.Errorf("the closed manager still adds its header: %+v", si)
	}
}
