//go:build !aiotools_nofleet

package main

// Fleet mode in aiotools: `aiotools broker` runs the embedded MQTT broker,
// `aiotools demo -fleet N` runs N simulated devices on one (or on
// -broker URL). Built unless the aiotools_nofleet tag is given
// (fleet_off.go), which leaves MQTT out of the binary.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// runBroker is `aiotools broker [-listen 127.0.0.1:1883]`.
func runBroker(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:1883", "address to listen on (anyone who reaches it may publish: keep it on loopback or a trusted network)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 { // it ran on the default address, ignoring them
		return flagError("broker", fmt.Errorf("unexpected argument %q: the address goes with -listen HOST:PORT", fs.Arg(0)))
	}
	if _, err := checkHostPort("-listen", *listen, "127.0.0.1:1883"); err != nil { // flagcheck.go
		return flagError("broker", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := broker.Start(*listen, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(stdout, "broker: %s (Ctrl-C stops it)\n", b.URL())
	<-ctx.Done()
	return nil
}

// runFleetDemo runs n simulated devices, demo-1 … demo-n, each with the
// demo's tasks, schedules and services and an MQTT device, on an embedded
// broker on a free loopback port (or on brokerURL), until ctx ends.
func runFleetDemo(ctx context.Context, n int, brokerURL string, out io.Writer) error {
	if n < 1 || n > maxFleet { // the command line refuses it first (flagcheck.go)
		return fmt.Errorf("demo: -fleet %d: 1 to %d devices", n, maxFleet)
	}
	if brokerURL == "" {
		b, err := broker.Start("127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		defer b.Close()
		brokerURL = b.URL()
	} else if err := aiomqtt.Probe(ctx, brokerURL); err != nil {
		return fmt.Errorf("demo: -broker: %w", err)
	}
	fmt.Fprintln(out, "broker:", termsafe.String(brokerURL))
	var cleanup []func()
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}()
	for i := 1; i <= n; i++ {
		stop, err := startFleetDevice(ctx, fmt.Sprint("demo-", i), brokerURL)
		if err != nil {
			return err
		}
		cleanup = append(cleanup, stop)
	}
	fmt.Fprintf(out, "%s - Ctrl-C stops them\n  try: aioctl --broker %s fleet ls\n       aioctl --broker %s --device 'demo-*' status\n",
		devicesLine(n), termsafe.String(brokerURL), termsafe.String(brokerURL))
	<-ctx.Done()
	fmt.Fprintln(out, "stopping…")
	return nil
}

// startFleetDevice sets up one simulated device: the demo's parts but its
// control socket, then its MQTT device as the task "mqtt".
func startFleetDevice(ctx context.Context, id, brokerURL string) (stop func(), err error) {
	d := &demo{
		cfg:    demoConfig{Out: io.Discard, Name: id},
		group:  aioctl.NewGroup(aioctl.WithGroupName(id)),
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	d.group.SetLogger(d.logger)
	stop = func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for i := len(d.cleanup) - 1; i >= 0; i-- {
			d.cleanup[i](stopCtx)
		}
		d.group.Close(stopCtx)
	}
	for _, p := range sortedDemoParts() {
		if p.name == "control" {
			continue // reached over MQTT, not a socket each
		}
		if err := p.setup(ctx, d); err != nil {
			stop()
			return nil, fmt.Errorf("%s: demo %s: %w", id, p.name, err)
		}
	}
	in, err := control.NewInterp(control.Components{Group: d.group, Log: d.ring, Scheduler: d.sched, Services: d.services})
	if err == nil {
		err = registerUserVerbs(in, d.group) // the demo's blink-rate: the part skipped it (no interpreter yet)
	}
	if err != nil {
		stop()
		return nil, err
	}
	dev, err := aiomqtt.New(in, aiomqtt.Args{Broker: brokerURL, Device: id}, aiomqtt.WithLogger(d.logger))
	if err != nil {
		stop()
		return nil, err
	}
	if _, err := aioctl.Add(d.group, func(ctx context.Context, _ struct{}) (string, error) {
		return "disconnected", dev.Run(ctx)
	}, struct{}{}, aioctl.WithName("mqtt")); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// fleetServices registers the mqtt service in reg for `aiotools run`: a
// services.config entry "mqtt": {"enabled": true, "args": {"broker": …}}
// loads and starts it. It is disabled by default (it has no broker to
// default to): without "enabled": true the entry only sets its arguments.
func fleetServices(reg *aioservice.Registry, in *control.Interp) {
	reg.MustRegister(aiomqtt.Service(in, aiomqtt.Args{}))
}

// sortedDemoParts are the demo's parts in setup order.
func sortedDemoParts() []demoPart {
	parts := append([]demoPart(nil), demoParts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].order < parts[j].order })
	return parts
}

// devicesLine names the fleet demo's devices: "device: demo-1" for one
// ("demo-1 … demo-1" read oddly), "devices: demo-1 … demo-N" else.
func devicesLine(n int) string {
	if n == 1 {
		return "device: demo-1"
	}
	return fmt.Sprintf("devices: demo-1 … demo-%d", n)
}
