//go:build !memprobe

// Pico is the seed's board program for a Raspberry Pi Pico, built with
// TinyGo: a blinking task, a scheduled task, the RAM ring log, and the
// status printed on the serial console (USB) every few seconds.
//
//	tinygo flash -target=pico -stack-size=16KB -tags aiotools_noregexp ./examples/pico   # then: tinygo monitor
//	tinygo build -target=pico -size=short -stack-size=16KB -tags aiotools_noregexp ./examples/pico
//	go run ./examples/pico                         # the same program on a PC, LED printed
//
// A board has no control socket (no net): the status on the console is
// how it shows its tasks. The tag aiotools_noregexp keeps package regexp
// out of the log's grep (nobody greps with a regexp on a serial console):
// 325 KiB of flash and 21 KB of static RAM instead of 391 KiB and 59 KiB. Tasks get their names from aioctl.WithName:
// under TinyGo a function's name is not known at run time.
package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// BlinkArgs are blink's arguments.
type BlinkArgs struct {
	Sleep time.Duration `json:"sleep"`
}

// board is what the program needs from the hardware.
type board struct {
	led func(on bool) // sets the LED
	out io.Writer     // the serial console
}

// blink toggles the LED until it is stopped.
func (b board) blink(ctx context.Context, a BlinkArgs) (int, error) {
	log := aioctl.Logger(ctx)
	for n := 1; ; n++ {
		b.led(n%2 == 1)
		if n%10 == 1 { // every tenth toggle: the ring is 4 KB
			log.Info("LED toggled", "n", n)
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(a.Sleep):
		}
	}
}

// report is the scheduled task: it logs the heap in use and returns it.
func report(ctx context.Context, _ struct{}) (string, error) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := fmt.Sprintf("heap %d B in use, %d B from the system", m.HeapInuse, m.HeapSys)
	aioctl.Logger(ctx).Info(s)
	return s, nil
}

// run runs the tasks and prints their status every period until ctx ends.
func run(ctx context.Context, b board, every time.Duration) error {
	ring := aiolog.New(4 << 10) // the seed's RAM log, 4 KB
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	defer g.Close(context.Background())
	s := aioschedule.New(g)
	defer s.Close()
	aioctl.MustAdd(g, b.blink, BlinkArgs{Sleep: 500 * time.Millisecond}, aioctl.WithName("blink"))
	if _, err := aioschedule.Add(s, report, struct{}{},
		aioschedule.Spec{StartIn: time.Second, Repeat: 10 * time.Second}, aioctl.WithName("report")); err != nil {
		return err
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		fmt.Fprintln(b.out, "--- status", time.Now().Format("15:04:05"))
		if err := g.WriteStatus(b.out, false); err != nil {
			return err
		}
	}
}
