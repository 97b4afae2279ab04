//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"errors"
	"testing"
)

func TestDefaultGroupIsReplaceable(t *testing.T) {
	old := Default()
	defer SetDefault(old)
	g, _ := newTestGroup(t)
	SetDefault(g)
	w := stateWaiter(t, g, "answer", Done)
	MustAdd(Default(), answer, 1)
	w()
	sts, err := Status()
	if err != nil || len(sts) != 1 || sts[0].Name != "answer" {
		t.Fatalf("Status() = %v %v", sts, err)
	}
	if _, err := Stop(context.Background(), "nosuch"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
