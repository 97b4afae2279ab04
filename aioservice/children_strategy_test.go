package aioservice

import (
	"context"
	"errors"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// TestSuperviseChildrenRestForOne: a service's children a, b, c under
// rest_for_one: b fails, so b and c restart, a goes on.
func TestSuperviseChildrenRestForOne(t *testing.T) {
	fail := map[string]chan struct{}{"a": make(chan struct{}, 1), "b": make(chan struct{}, 1), "c": make(chan struct{}, 1)}
	child := func(n string) aioctl.Func[struct{}, int] {
		return func(ctx context.Context, _ struct{}) (int, error) {
			select {
			case <-fail[n]:
				return 0, errors.New(n + " broke")
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
	}
	supervised := make(chan error, 1)
	r := NewRegistry()
	r.MustRegister(Define("app", func(ctx context.Context, _ struct{}) (string, error) {
		for _, n := range []string{"a", "b", "c"} {
			if _, err := AddChild(ctx, n, child(n), struct{}{}); err != nil {
				return "", err
			}
		}
		_, err := SuperviseChildren(ctx, aioctl.SupervisorSpec{Strategy: aioctl.RestForOne})
		supervised <- err
		<-ctx.Done()
		return "", ctx.Err()
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r, WithOutput(&syncBuffer{}))
	defer m.Close(context.Background())
	restarted := make(chan string, 10)
	defer g.Watch(func(e aioctl.Event) {
		if e.Cause == aioctl.CauseRestart {
			restarted <- e.Name
		}
	})()
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-supervised; err != nil {
		t.Fatal(err)
	}
	fail["b"] <- struct{}{}
	if got := []string{<-restarted, <-restarted}; got[0] != "app.service.b" || got[1] != "app.service.c" {
		t.Fatalf("restarted %v, want b then c", got)
	}
	if a, _ := g.Get("app.service.a"); a.State() != aioctl.Running {
		t.Errorf("a is %v, want running (not restarted)", a.State())
	}
}
