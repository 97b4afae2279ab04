package aioservice

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A failed service task says "failed" in List and WriteList, as it does in
// status and is-active (SPEC §1), not the task state's "error".
func TestListSaysFailed(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(Define("broken", func(ctx context.Context, _ struct{}) (int, error) {
		return 0, errors.New("boom")
	}, struct{}{}))
	g := quietGroup()
	m := NewManager(g, r, WithEnv(noEnv))
	if err := m.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()); g.Close(context.Background()) })
	task, ok := g.Get(TaskName("broken"))
	if !ok {
		t.Fatal("no broken.service task")
	}
	<-task.Done()
	if st := task.State(); st != aioctl.Error {
		t.Fatalf("task state %v, want error", st)
	}
	for _, in := range m.List() {
		if in.Name == "broken" && in.State != "failed" {
			t.Errorf("List state = %q, want failed", in.State)
		}
	}
	var b strings.Builder
	if err := m.WriteList(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), " failed ") || strings.Contains(b.String(), " error ") {
		t.Errorf("WriteList:\n%s", b.String())
	}
}
