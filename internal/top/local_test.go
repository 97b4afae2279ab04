package top

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// serve runs a control server over g on a fresh socket and returns a
// client of it, and the server to close.
func serve(t testing.TB, g *aioctl.Group) (*client.Client, *control.Server) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(control.Config{Socket: filepath.Join(dir, "c.sock"),
		Components: control.Components{Group: g}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cl, err := client.New(client.Options{Socket: srv.SocketPath()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl, srv
}

func newGroup(t *testing.T) *aioctl.Group {
	t.Helper()
	g := aioctl.NewGroup(aioctl.WithGroupName("local"))
	wait := func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil }
	aioctl.MustAdd(g, wait, struct{}{}, aioctl.WithName("blink"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	return g
}

func stateOf(s Snapshot, task string) string {
	for _, ts := range s.Tasks {
		if ts.Name == task {
			return ts.State
		}
	}
	return ""
}

// Local sends a snapshot when a task changes state: from the watch
// stream, not from a poll (the stats refresh is an hour away here).
func TestLocalUpdatesOnStateChange(t *testing.T) {
	g := newGroup(t)
	cl, _ := serve(t, g)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	updates := make(chan Snapshot, 16)
	done := make(chan error, 1)
	go func() { done <- (&Local{Client: cl, Where: "c.sock", StatsEvery: time.Hour}).Run(ctx, updates) }()
	s := <-updates
	if !s.Online || s.Stats == nil || stateOf(s, "blink") != "running" || s.Device == "" {
		t.Fatalf("first snapshot %+v", s)
	}
	if _, err := g.Stop(ctx, "blink"); err != nil {
		t.Fatal(err)
	}
	for stateOf(s, "blink") != "stopped" {
		select {
		case s = <-updates:
		case <-ctx.Done():
			t.Fatal("no snapshot with blink stopped")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// A program that goes away shows offline, with what was known of it.
func TestLocalOffline(t *testing.T) {
	g := newGroup(t)
	cl, srv := serve(t, g)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	updates := make(chan Snapshot, 16)
	done := make(chan error, 1)
	go func() { done <- (&Local{Client: cl, Where: "c.sock", StatsEvery: time.Hour}).Run(ctx, updates) }()
	first := <-updates
	srv.Close()
	for s := range updates {
		if !s.Online {
			if s.Err == "" || s.Device != first.Device || len(s.Tasks) != 1 {
				t.Errorf("offline snapshot %+v", s)
			}
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
