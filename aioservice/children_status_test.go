package aioservice

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// A service with two child tasks, one running and one done, lists them
// under its own status, plain and debug, with their states (asyncmd's
// CTasks); status of the service alone shows that tree; JSON carries it.
func TestStatusGoldenServiceWithChildren(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 35, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc), aioctl.WithGroupName("demo"))
	settled := make(chan struct{}, 2)
	stop := g.Watch(func(e aioctl.Event) {
		if (e.Name == "hello.service.blink" && e.To == aioctl.Running) || (e.Name == "hello.service.poll" && e.To == aioctl.Done) {
			settled <- struct{}{}
		}
	})
	defer stop()
	r := NewRegistry()
	r.MustRegister(Define("hello", helloWithChildren, helloArgs{Pin: 3, Sleep: Duration(10 * time.Second)},
		WithInfo("Hello example runner v1.0"), WithSource("services/hello.go")))
	r.MustRegister(Define("lonely", waitCtx, helloArgs{}, WithSource("services/lonely.go")))
	m := NewManager(g, r)
	defer m.Close(context.Background())
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		select {
		case <-settled:
		case <-time.After(10 * time.Second):
			t.Fatal("the children did not start and finish")
		}
	}
	fc.Advance(2*time.Minute + 31*time.Second)

	var all strings.Builder
	for _, debug := range []bool{false, true} {
		sts, err := g.Snapshot(aioctl.SnapshotOptions{Debug: debug})
		if err != nil {
			t.Fatal(err)
		}
		all.WriteString(map[bool]string{false: "-- status\n", true: "-- status (debug)\n"}[debug])
		aioctl.Render(&all, sts, aioctl.RenderOptions{Debug: debug, Now: fc.Now(), Location: time.UTC})
	}
	all.WriteString("-- status hello.service\n")
	sts, err := g.Snapshot(aioctl.SnapshotOptions{}, "hello.service")
	if err != nil {
		t.Fatal(err)
	}
	aioctl.Render(&all, sts, aioctl.RenderOptions{Now: fc.Now(), Location: time.UTC})
	golden(t, "status_children.golden", all.String())

	b, err := json.MarshalIndent(sts[0].Children, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "status_children.json.golden", string(b)+"\n")
}

// helloWithChildren is a service that starts two child tasks, blink (runs
// until stopped) and poll (returns 42 at once), then runs until stopped.
func helloWithChildren(ctx context.Context, a helloArgs) (int, error) {
	if _, err := AddChild(ctx, "blink", blinkChild, a.Pin); err != nil {
		return 0, err
	}
	if _, err := AddChild(ctx, "poll", pollChild, struct{}{}); err != nil {
		return 0, err
	}
	return waitCtx(ctx, a)
}

func blinkChild(ctx context.Context, _ int) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func pollChild(context.Context, struct{}) (int, error) { return 42, nil }
