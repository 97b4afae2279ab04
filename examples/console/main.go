// Console puts the aioctl verbs inside the program, on its own stdin,
// as the seed's aiorepl task did: the console is a task like any other
// ("repl" in status), next to a blink task it can steer. The control
// socket is open too, so aioctl works from another terminal as well.
//
//	go run ./examples/console
//	aioctl> status
//	aioctl> stop blink
//	aioctl> set args blink '{"sleep": 1}'
//	aioctl> start blink
//	aioctl> log -f blink          (Enter stops following)
//	aioctl> help
//	aioctl> exit                  (or Ctrl-D; Ctrl-C clears the line)
//
// On a terminal the console edits lines as aioctl shell does (Tab
// completion, history); fed from a pipe it prints no prompts, only the
// answers (printf 'status\nexit\n' | go run ./examples/console), and the
// line about the control socket goes to stderr. It also ends by itself
// after -for (go run ./examples/console -for 1m), or on SIGINT.
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

// BlinkArgs are blink's arguments; `set args` changes them.
type BlinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// blink toggles the LED until it is stopped.
func blink(ctx context.Context, a BlinkArgs) (int, error) {
	for on := true; ; on = !on {
		aioctl.Logger(ctx).Info(fmt.Sprintf("LED %d toggled!", a.Pin), "on", on)
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(a.Sleep):
		}
	}
}

func main() {
	runFor := flag.Duration("for", 0, "stop after this long (0: until exit, Ctrl-D or Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: console.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	// Log lines go to the ring (read them with `log`), not over the prompt.
	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	aioctl.MustAdd(g, blink, BlinkArgs{Pin: 2, Sleep: 2 * time.Second})
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring},
		Name:       "console", Socket: *socket,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
	// On stderr: stdout has the console's answers alone.
	fmt.Fprintln(os.Stderr, "control socket:", srv.SocketPath(), "- type help for the verbs")

	// The console runs the server's interpreter: the same verbs as aioctl,
	// with prompts and line editing only when stdin and stdout are a
	// terminal. When it ends (exit, end of input), so does the program.
	aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (any, error) {
		defer stop()
		return nil, control.ConsoleStdio(ctx, os.Stdout, srv.Interp())
	}, struct{}{}, aioctl.WithName("repl"))

	<-ctx.Done()
	srv.Close()
	g.Close(context.Background())
}
