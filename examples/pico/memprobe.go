//go:build memprobe

package main

// The memory probe (-tags memprobe): the RAM that a group of tasks and a
// 4 KB ring log take, as the heap in use before and after, measured on the
// program's own runtime.MemStats. Tasks wait on their context, as a task
// waiting for its next LED toggle or sensor read does.
//
//	tinygo run -target=riscv-qemu -tags memprobe ./examples/pico   # 50 tasks
//	go run -tags memprobe ./examples/pico 1000                      # on a PC

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
)

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func main() {
	n := 50
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	before := heap()
	ring := aiolog.New(4 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	wait := func(ctx context.Context, _ int) (int, error) {
		aioctl.Logger(ctx).Info("waiting")
		<-ctx.Done()
		return 0, ctx.Err()
	}
	for i := 0; i < n; i++ {
		aioctl.MustAdd(g, wait, i, aioctl.WithName("t"+strconv.Itoa(i)))
	}
	time.Sleep(100 * time.Millisecond) // all of them running and waiting
	sts, _ := g.Status()
	running := 0
	for _, st := range sts {
		if st.State == aioctl.Running {
			running++
		}
	}
	after := heap()
	fmt.Printf("memprobe: %d tasks (%d running) + 4 KB ring: heap in use %d B before, %d B after: %d B (%d B a task)\n",
		n, running, before, after, after-before, (after-before)/uint64(n))
	g.Close(context.Background())
	printRSS()
}
