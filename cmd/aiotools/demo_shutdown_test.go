package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// The demo stops as `aiotools run` does (gracefulStop: the services in the
// reverse of their boot order, then the other tasks, each within its stop
// timeout): a task that does not stop is named, and the demo ends with
// ErrNotStopped (exit status 1) instead of "all tasks stopped".
func TestDemoShutdownReportsWhatDidNotStop(t *testing.T) {
	release := make(chan struct{})
	defer close(release) // the stubborn task ends after the test, not leaked
	stubborn := func(ctx context.Context, _ struct{}) (int, error) {
		<-release // ignores ctx: it does not stop when asked
		return 0, nil
	}
	old := demoParts
	demoParts = append(slices.Clone(demoParts), demoPart{90, "stubborn", func(ctx context.Context, d *demo) error {
		_, err := aioctl.Add(d.group, stubborn, struct{}{}, aioctl.WithName("stubborn"), aioctl.WithStopTimeout(50*time.Millisecond))
		return err
	}})
	defer func() { demoParts = old }()

	w := &watchWriter{want: []string{"● stubborn: status: running"}, ready: make(chan struct{})}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	oldSock := demoControlSocket
	demoControlSocket = filepath.Join(dir, "demo.sock")
	defer func() { demoControlSocket = oldSock }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- runDemo(ctx, demoConfig{Every: 50 * time.Millisecond, Out: w}) }()
	select {
	case <-w.ready:
	case err := <-errc:
		t.Fatalf("demo ended early: %v\n%s", err, w)
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("stubborn never ran:\n%s", w)
	}
	cancel()
	err := <-errc
	if !errors.Is(err, ErrNotStopped) || !strings.Contains(err.Error(), "stubborn") {
		t.Fatalf("err = %v, want ErrNotStopped naming stubborn\n%s", err, w)
	}
	out := w.String()
	if !strings.Contains(out, "shutdown: stubborn did not stop: ") || strings.Contains(out, "all tasks stopped") {
		t.Fatalf("output:\n%s", out)
	}
}
