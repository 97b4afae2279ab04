//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"strings"
	"testing"
)

func TestAddNamesTaskAfterFunctionAndDeduplicates(t *testing.T) {
	g, _ := newTestGroup(t)
	for i := 0; i < 3; i++ {
		w := stateWaiter(t, g, []string{"answer", "answer_1", "answer_2"}[i], Done)
		MustAdd(g, answer, i)
		w()
	}
	if got := strings.Join(g.Names(), ","); got != "answer,answer_1,answer_2" {
		t.Fatalf("names = %s", got)
	}
	named := MustAdd(g, answer, 1, WithName("blink"), Deferred())
	if named.Name() != "blink" || named.State() != Scheduled {
		t.Fatalf("named task = %s in %v", named.Name(), named.State())
	}
	closure := MustAdd(g, func(ctx context.Context, _ int) (int, error) { return 0, nil }, 0, Deferred())
	if closure.Name() == "" || closure.Name() == "task" {
		t.Fatalf("closure got name %q", closure.Name())
	}
}

func TestCallbackTypeMismatchIsRefused(t *testing.T) {
	g, _ := newTestGroup(t)
	_, err := Add(g, answer, 1, WithOnStop(func(s string) int { return 0 }))
	if err == nil || !strings.Contains(err.Error(), "WithOnStop") {
		t.Fatalf("err = %v", err)
	}
	_, err = Add(g, answer, 1, WithOnError(func(n int, err error) string { return "" }))
	if err == nil || !strings.Contains(err.Error(), "WithOnError") {
		t.Fatalf("err = %v", err)
	}
	if len(g.Names()) != 0 {
		t.Fatalf("a refused task was added: %v", g.Names())
	}
}
