//go:build !tinygo

package aioctl

// Under TinyGo 0.34 (Go 1.23's library) context.Cause of a stopped task's
// context is nil while the group's context is live: Go 1.23's Cause does
// not ask a custom Context for its cause (doc.go says so). Go 1.24+ does.

import (
	"context"
	"errors"
	"testing"
)

func TestStopOfTaskInCancelableGroupGivesCauseCanceled(t *testing.T) {
	parent, cancelParent := context.WithCancelCause(context.Background())
	defer cancelParent(nil)
	g, _ := newTestGroup(t, WithContext(parent))
	cause := make(chan error, 1)
	running := stateWaiter(t, g, "c", Running)
	MustAdd(g, func(ctx context.Context, _ int) (int, error) {
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return 0, nil
	}, 0, WithName("c"))
	running()
	if _, err := g.Stop(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if err := <-cause; !errors.Is(err, context.Canceled) {
		t.Errorf("context.Cause of a stopped run = %v, want context.Canceled", err)
	}
}
