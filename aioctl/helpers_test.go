package aioctl

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/clock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)

// newTestGroup returns a group on a fake clock, closed when the test ends.
func newTestGroup(t *testing.T, opts ...GroupOption) (*Group, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(t0)
	opts = append([]GroupOption{WithClock(fc), WithRand(func() float64 { return 0 }),
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	g := NewGroup(opts...)
	t.Cleanup(func() {
		// Cancel every task and wait for its goroutine on the real clock, so
		// that no fake timer needs advancing and goleak sees none left.
		all, _ := g.Find()
		for _, tk := range all {
			if done := tk.requestStop(); done != nil {
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					t.Errorf("task %s did not stop", tk.Name())
				}
			}
		}
	})
	return g, fc
}

// stateWaiter returns a function that blocks until the named task reaches
// state s (or fails the test after a real-time bound). It must be created
// before the action that causes the change.
func stateWaiter(t *testing.T, g *Group, name string, s State) func() {
	t.Helper()
	ch := make(chan struct{}, 1)
	cancel := g.Watch(func(e Event) {
		if e.Name == name && e.To == s {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	})
	return func() {
		t.Helper()
		defer cancel()
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			cur := State(255)
			if tk, ok := g.Get(name); ok {
				cur = tk.State()
			}
			t.Fatalf("task %s never reached %v (now %v)", name, s, cur)
		}
	}
}

// block is a task that runs until its context is cancelled.
func block(ctx context.Context, _ struct{}) (string, error) {
	<-ctx.Done()
	return "cancelled", ctx.Err()
}

func answer(_ context.Context, n int) (int, error) { return n * 2, nil }

func fail(_ context.Context, msg string) (int, error) { return 0, errors.New(msg) }

func crash(_ context.Context, _ struct{}) (int, error) {
	var m map[string]int
	//lint:ignore SA5000 the task panics on purpose
	m["x"] = 1
	return 0, nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
