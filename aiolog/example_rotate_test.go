//go:build !tinygo

package aiolog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aiotools-go/aiotools/aiolog"
)

func ExampleOpenRotatingFile() {
	dir, _ := os.MkdirTemp("", "aiolog")
	defer os.RemoveAll(dir)
	f, err := aiolog.OpenRotatingFile(filepath.Join(dir, "error.log"), 64<<10)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	ring := exampleRing(aiolog.WithCopy(slog.LevelError, f))
	log := slog.New(ring.Handler(nil))
	log.Info("kept in RAM only")
	log.Error("disk full", aiolog.TaskKey, "backup")
	ring.FlushCopy(context.Background()) // copies go through a queue: wait for it
	b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
	fmt.Print(string(b))
	// Output:
	// 2015-01-01 00:00:19 [pyb] [ERROR] [backup] disk full
}
