package aioled_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioled"
	"github.com/aiotools-go/aiotools/clock"
)

// A pulse of two beats on a 3-pixel strip, run as an aioctl task on a
// fake clock, recorded in memory.
func Example() {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := aioctl.NewGroup(aioctl.WithClock(fc))
	mem := aioled.NewMemory(fc)
	player := &aioled.Player{Strip: aioled.NewStrip(3, mem, aioled.WithGamma(false))}

	opts, _ := aioled.Defaults("pulse") // the seed's pulse: 2 beats of 0.2 s, then 1 s
	opts.Color, opts.Loops = aioled.RGB(255, 0, 0), 1
	task, _ := aioctl.Add(g, player.Play, opts, aioctl.WithName("heart"))
	for fc.WaitTimers(1, task.Done()) { // move the fake clock from frame to frame
		next, _ := fc.Next()
		fc.Set(next)
	}
	for _, f := range mem.Frames() {
		fmt.Println(f.At.Format("05.000"), f.Pixels[0])
	}
	fmt.Println(task.Name(), task.State(), task.Result(), "frames")
	_ = g.Close(context.Background())
	// Output:
	// 00.000 #ff0000
	// 00.200 #000000
	// 00.400 #ff0000
	// 00.600 #000000
	// heart done 4 frames
}
