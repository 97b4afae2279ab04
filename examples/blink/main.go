// Blink is the smallest aiotools program: one task, "blink", toggling a
// (pretend) LED, and a control socket through which aioctl steers it
// while it runs. It is the seed's async_blink.py.
//
//	go run ./examples/blink
//
// and, in another terminal:
//
//	go run ./cmd/aioctl status          # ● blink: status: running since …
//	go run ./cmd/aioctl stop blink      # status now says: stopped @ …
//	go run ./cmd/aioctl set args blink '{"sleep": "500ms"}'
//	go run ./cmd/aioctl start blink     # running again, blinking faster
//	go run ./cmd/aioctl log -f blink    # its LED lines as they come, until Ctrl-C
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/blink -for 1m).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// BlinkArgs are blink's arguments; `aioctl set args` changes them (JSON
// names; a duration is "500ms" or a number of seconds).
type BlinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// blink toggles the LED until it is stopped. A task is a func(ctx, args)
// (result, error); a stopped task's result is empty (see examples/callbacks).
func blink(ctx context.Context, a BlinkArgs) (int, error) {
	log := aioctl.Logger(ctx) // every line carries the task's name
	for n := 1; ; n++ {
		log.Info(fmt.Sprintf("LED %d toggled!", a.Pin), "on", n%2 == 1)
		select {
		case <-ctx.Done(): // aioctl stop blink, or the program ending
			return n, ctx.Err()
		case <-time.After(a.Sleep):
		}
	}
}

func main() {
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: blink.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	// Log lines go to a RAM ring (what `aioctl log` reads), not to the screen.
	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	aioctl.MustAdd(g, blink, BlinkArgs{Pin: 2, Sleep: 2 * time.Second})

	// One call opens the control socket that aioctl finds by itself.
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring},
		Name:       "blink", Socket: *socket,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "blink:", err)
		os.Exit(1)
	}
	fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl status")

	<-ctx.Done()
	srv.Close()
	g.Close(context.Background()) // stops blink and waits for it
	g.WriteStatus(os.Stdout, false)
}
