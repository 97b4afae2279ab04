// Exec runs services that are external commands, declared in
// services.config with "exec" and no Go code of their own: the Go form of
// the seed's installing a service without rebuilding the firmware. Each
// line a command prints goes to the log under its service's name; a stop
// sends SIGTERM (SIGKILL after stop_timeout); a non-zero exit is an error.
// The same file runs without any Go at all:
// go run ./cmd/aiotools run -c examples/exec/services.config
//
//	go run ./examples/exec    # from the repository's root: -c is relative
//
// and, in another terminal:
//
//	go run ./cmd/aioctl status              # ticker running, now on its schedule
//	go run ./cmd/aioctl log -f ticker       # tick 1, tick 2, … as printed
//	go run ./cmd/aioctl stop ticker.service # its shell loop ends
//	go run ./cmd/aioctl services disable now   # edits services.config
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/exec -for 1m).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

func main() {
	config := flag.String("c", "examples/exec/services.config", "the services config file")
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: exec.sock in your runtime directory)")
	flag.Parse()
	// The commands die with this program, however it ends (Linux).
	if err := aioservice.Subreaper(); err != nil {
		fmt.Fprintln(os.Stderr, "exec: warning:", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	// An empty registry: every service comes from the file.
	m := aioservice.NewManager(g, aioservice.NewRegistry(),
		aioservice.WithConfigFile(*config), aioservice.WithOutput(os.Stdout))
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring, Services: m},
		Name:       "exec", Socket: *socket,
	})
	if err == nil {
		fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl log -f ticker")
		err = m.Up(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "exec:", err)
		os.Exit(1)
	}

	<-ctx.Done()
	srv.Close()
	m.Close(context.Background()) // SIGTERM to each command, and waits for it
	g.Close(context.Background())
	g.WriteStatus(os.Stdout, false)
}
