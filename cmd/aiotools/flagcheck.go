package main

// The checks of flag values that come before anything starts. A value the
// program cannot run with is a usage error (exit 2) naming the flag and
// what it takes, found with the other flags' mistakes, not once every
// service has booted (a -web or -metrics address was refused only when
// the server was made, after the exec commands had run: exit 1). A valid
// value can still fail later (a port in use): that is a failure (1).

import (
	"flag"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control/sockdir"
)

// maxFleet is the most devices -fleet runs in one process.
const maxFleet = 1000

// flagError makes err, a mistake in command cmd's flags, a usage error
// that says how to list them.
func flagError(cmd string, err error) error {
	return usageError{fmt.Errorf("%s: %w (aiotools %s -h lists the flags)", cmd, err, cmd)}
}

// checkDemoFlags refuses the demo's flag values it cannot run with: a
// status period under minEvery (0 or less would make time.NewTicker
// panic), a negative -for, and arguments other than -follow's one grep
// pattern.
func checkDemoFlags(every, limit time.Duration, follow, console bool, args []string) error {
	switch {
	case follow && console:
		return fmt.Errorf("-follow and -console: choose one (the console's log -f follows the log)")
	case every < minEvery:
		return fmt.Errorf("-every %v: at least %v (the status period)", every, minEvery)
	case limit < 0:
		return fmt.Errorf("-for %v: must be 0 (run until Ctrl-C) or more", limit)
	case !follow && len(args) > 0:
		return fmt.Errorf("unexpected argument %q (a grep pattern goes with -follow)", args[0])
	case follow && len(args) > 1:
		return fmt.Errorf("-follow takes one grep pattern, not also %q", args[1])
	}
	return nil
}

// fleetFlags are the demo's flags that fleet mode honours; it runs no
// control socket, console, status screen, dashboard or error log of its
// own (its devices are reached over MQTT), so any other flag given with
// -fleet would be ignored: it is refused instead.
var fleetFlags = map[string]bool{"fleet": true, "broker": true, "for": true}

// checkFleetFlags checks -fleet N (0: no fleet) and what goes with it.
func checkFleetFlags(fs *flag.FlagSet, n int, console bool) error {
	if n < 0 || n > maxFleet {
		return fmt.Errorf("-fleet %d: want 0 (no fleet) or 1 to %d devices", n, maxFleet)
	}
	var other []string
	broker := false
	fs.Visit(func(f *flag.Flag) {
		broker = broker || f.Name == "broker"
		if !fleetFlags[f.Name] {
			other = append(other, "-"+f.Name)
		}
	})
	sort.Strings(other)
	switch {
	case n == 0 && broker:
		return fmt.Errorf("-broker goes with -fleet N (the devices it connects)")
	case n == 0 || len(other) == 0:
		return nil
	case console:
		// One console would have to choose a device; aioctl does that already.
		return fmt.Errorf("-fleet and -console: the fleet has no console (its devices are reached over MQTT): " +
			"steer them with aioctl --broker URL --device 'demo-*' VERB (or without -fleet, demo -console)")
	}
	return fmt.Errorf("-fleet with %s: fleet mode takes -broker and -for only (its devices are reached over MQTT: "+
		"aioctl --broker URL --device 'demo-*' VERB)", strings.Join(other, ", "))
}

// checkLogBudget refuses a -log-budget the ring would not take as given
// (aiolog.New raises a smaller one to its minimum and lowers a larger one).
func checkLogBudget(budget int) error {
	if budget < aiolog.MinBudget || budget > aiolog.MaxBudget {
		return fmt.Errorf("-log-budget %d: want %d to %d bytes (the RAM log's size)", budget, aiolog.MinBudget, aiolog.MaxBudget)
	}
	return nil
}

// checkServeFlags checks the addresses demo and run listen on besides
// the control socket: -web (web.go) and -metrics.
func checkServeFlags(web, metrics string) error {
	if err := checkWebAddr(web); err != nil {
		return err
	}
	return checkMetricsAddr(metrics)
}

// checkMetricsAddr refuses a -metrics address that is no HOST:PORT or is
// beyond loopback ("" is none), saying what works: the binaries take no
// metrics token or TLS, which aiometrics.Listen needs beyond loopback.
func checkMetricsAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, err := checkHostPort("-metrics", addr, "127.0.0.1:9464")
	if err != nil {
		return err
	}
	if !sockdir.IsLoopback(host) { // as aiometrics.Listen decides
		return fmt.Errorf("-metrics %q: %w: aiotools serves metrics on loopback only: -metrics %s (a scraper on another host: a TLS reverse proxy, or a program of your own with aiometrics.ListenConfig's Token and TLS)",
			addr, aiometrics.ErrNotLoopback, loopbackOf(addr))
	}
	return nil
}

// checkHostPort refuses, naming the flag, an address net.Listen("tcp")
// would refuse for its form: no HOST:PORT, or a port that is neither a
// number from 0 to 65535 nor a service name. It returns the host.
func checkHostPort(flagName, addr, example string) (host string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%s %q: want HOST:PORT, such as %s", flagName, addr, example)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return "", fmt.Errorf("%s %q: port %q: want a number from 0 to 65535 (0: a free one), such as %s", flagName, addr, port, example)
	}
	return host, nil
}
