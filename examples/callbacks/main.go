// Callbacks shows what a task leaves behind when it is stopped or fails:
// an on-stop callback turns a stop into a result, an on-error callback
// turns an error (or a panic) into one, as the seed's on_stop and on_error.
//
//	go run ./examples/callbacks
//
// and, in another terminal:
//
//	go run ./cmd/aioctl status            # sensor fails after a few reads
//	go run ./cmd/aioctl traceback sensor  # the error behind it
//	go run ./cmd/aioctl stop blink        # --> result: LED 2 off
//	go run ./cmd/aioctl start sensor      # read again (and fail again)
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/callbacks -for 1m).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// blink toggles LED pin until it is stopped.
func blink(ctx context.Context, pin int) (string, error) {
	for on := true; ; on = !on {
		aioctl.Logger(ctx).Info(fmt.Sprintf("LED %d toggled!", pin), "on", on)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// sensor reads a (pretend) sensor a few times, then loses it.
func sensor(ctx context.Context, reads int) (float64, error) {
	for i := range reads {
		aioctl.Logger(ctx).Info("temperature", "celsius", 21.5+float64(i)/10)
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return 0, errors.New("sensor: no reply on the bus")
}

func main() {
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: callbacks.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	// A callback gets the task's arguments; what it returns is the result
	// that status shows. Its types must match the task's: Add checks.
	aioctl.MustAdd(g, blink, 2,
		aioctl.WithOnStop(func(pin int) string { return fmt.Sprintf("LED %d off", pin) }))
	aioctl.MustAdd(g, sensor, 5,
		aioctl.WithOnError(func(reads int, err error) float64 { return -273.15 })) // a value no sensor reads

	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring},
		Name:       "callbacks", Socket: *socket,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "callbacks:", err)
		os.Exit(1)
	}
	fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl status")

	<-ctx.Done()
	srv.Close()
	g.Close(context.Background()) // stops blink: its on-stop callback runs
	g.WriteStatus(os.Stdout, false)
}
