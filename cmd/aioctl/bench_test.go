package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// BenchmarkAioctlStatusProcess is the whole-process time of `aioctl
// status` against a program with 100 tasks: exec, connect, ask, print,
// exit. With AIOCTL_HYPERFINE=1 and hyperfine installed it also runs
// hyperfine on the same command and prints its report.
func BenchmarkAioctlStatusProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "aioctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	g := aioctl.NewGroup()
	for i := 0; i < 100; i++ {
		aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil },
			struct{}{}, aioctl.WithName(fmt.Sprintf("task_%03d", i)))
	}
	defer g.Close(context.Background())
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g},
		Socket:     filepath.Join(b.TempDir(), "run", "ctl.sock"),
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if os.Getenv("AIOCTL_HYPERFINE") != "" {
		if hf, err := exec.LookPath("hyperfine"); err == nil {
			cmd := exec.Command(hf, "-N", "--warmup", "20", "--runs", "300", bin+" --socket "+srv.SocketPath()+" status")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			cmd.Run()
		}
	}
	for b.Loop() {
		cmd := exec.Command(bin, "--socket", srv.SocketPath(), "status")
		out, err := cmd.Output()
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}
