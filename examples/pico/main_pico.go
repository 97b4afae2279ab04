//go:build rp2040

package main

import (
	"context"
	"machine"
	"os"
	"time"
)

func main() {
	led := machine.LED
	led.Configure(machine.PinConfig{Mode: machine.PinOutput})
	time.Sleep(2 * time.Second) // time to open the USB serial console
	// os.Stdout is the USB serial console under TinyGo.
	if err := run(context.Background(), board{led: led.Set, out: os.Stdout}, 5*time.Second); err != nil {
		println("pico:", err.Error())
	}
}
