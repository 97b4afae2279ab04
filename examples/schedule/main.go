// Schedule runs tasks on timers rather than at once: hello once after a
// delay (in), world every few seconds (every), and backup by cron (every
// minute here), as the seed's schedule_task. The scheduler sleeps until
// the next run is due; nothing polls.
//
//	go run ./examples/schedule
//
// and, in another terminal:
//
//	go run ./cmd/aioctl schedule list   # each schedule, its last and next run
//	go run ./cmd/aioctl status world    # ┗━► schedule: last @ … --> next in 4 s @ …
//	go run ./cmd/aioctl stop world      # a stop takes it off its schedule…
//	go run ./cmd/aioctl start world     # …and a start puts it back
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/schedule -for 2m).
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
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control"
)

// say logs its word and is done: each scheduled run is one call.
func say(ctx context.Context, word string) (string, error) {
	aioctl.Logger(ctx).Info(word)
	return word, nil
}

func main() {
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: schedule.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	s := aioschedule.New(g)
	// Each Add makes a task that waits (state "scheduled") for its runs.
	// The same specs in a config file: {"start_in": 3}, {"repeat": 5},
	// {"cron": "* * * * *"}.
	// A spec that can never run ("0 0 31 2 *") is an error naming the field.
	_, err1 := aioschedule.Add(s, say, "hello", aioschedule.Spec{StartIn: 3 * time.Second}, aioctl.WithName("hello"))
	_, err2 := aioschedule.Add(s, say, "world", aioschedule.Spec{Repeat: 5 * time.Second}, aioctl.WithName("world"))
	_, err3 := aioschedule.Add(s, say, "backing up", aioschedule.Spec{Cron: "* * * * *"}, aioctl.WithName("backup"))
	check(errors.Join(err1, err2, err3))

	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring, Scheduler: s},
		Name:       "schedule", Socket: *socket,
	})
	check(err)
	fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl schedule list")

	<-ctx.Done()
	srv.Close()
	s.Close() // no more runs
	g.Close(context.Background())
	g.WriteStatus(os.Stdout, false)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "schedule:", err)
		os.Exit(1)
	}
}
