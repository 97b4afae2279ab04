// Services runs services as the seed's aioservice does: a registry of
// services defined in Go, a services.config that overrides their
// arguments, a core service (network) booted and awaited first, and a
// service that requires it (hello), started once network is up.
//
// From the repository's root, on a copy of the config (the steps below
// edit it; the tracked examples/services/services.config stays clean):
//
//	cp examples/services/services.config /tmp/services.config
//	go run ./examples/services -c /tmp/services.config
//
// and, in another terminal:
//
//	go run ./cmd/aioctl services list                   # both, loaded and enabled
//	go run ./cmd/aioctl status hello.service debug      # pin 3, from the config
//	go run ./cmd/aioctl boot order                      # network, then hello
//	go run ./cmd/aioctl services config hello '{"args": {"pin": 4}}'   # edits /tmp/services.config
//	go run ./cmd/aioctl services unload hello           # then
//	go run ./cmd/aioctl services load hello             # loads and starts it: it blinks pin 4
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/services -for 1m).
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
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// connect is the core service: it runs once at boot; its result is its address.
func connect(ctx context.Context, _ struct{}) (string, error) {
	aioctl.Logger(ctx).Info("WLAN: ENABLED")
	return "192.168.1.42", nil
}

// HelloArgs are hello's arguments; "args" in services.config overrides them.
type HelloArgs struct {
	Pin   int                 `json:"pin"`
	Sleep aioservice.Duration `json:"sleep"` // 2 or "2s" in the file
}

// hello blinks its LED until stopped.
func hello(ctx context.Context, a HelloArgs) (int, error) {
	for {
		aioctl.Logger(ctx).Info(fmt.Sprintf("LED %d toggled!", a.Pin))
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Duration(a.Sleep)):
		}
	}
}

func main() {
	config := flag.String("c", "examples/services/services.config", "the services config file")
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: services.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("network", connect, struct{}{}, aioservice.WithType(aioservice.Core)))
	reg.MustRegister(aioservice.Define("hello", hello, HelloArgs{Pin: 2, Sleep: aioservice.Duration(5 * time.Second)},
		aioservice.WithInfo("Hello example runner v1.0"), aioservice.WithRequires("network")))

	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	// The manager prints "[ OK ] Service: … loaded" and the boot as it goes.
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(*config), aioservice.WithOutput(os.Stdout))
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring, Services: m},
		Name:       "services", Socket: *socket,
	})
	if err == nil {
		fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl services list")
		err = m.Up(ctx) // load with the config, boot network, then start hello
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "services:", err) // a bad config names file:line:column
		os.Exit(1)
	}

	<-ctx.Done()
	srv.Close()
	m.Close(context.Background()) // stops the services in reverse dependency order
	g.Close(context.Background())
	g.WriteStatus(os.Stdout, false)
}
