//go:build !rp2040 && !memprobe

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

// On a PC (or riscv-qemu) the LED is a line on stdout.
func main() {
	runFor := flag.Duration("for", 12*time.Second, "stop after this long")
	every := flag.Duration("every", 5*time.Second, "status period")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *runFor)
	defer cancel()
	led := func(on bool) { fmt.Println("LED", map[bool]string{true: "on", false: "off"}[on]) }
	if err := run(ctx, board{led: led, out: os.Stdout}, *every); err != nil {
		fmt.Fprintln(os.Stderr, "pico:", err)
		os.Exit(1)
	}
}
