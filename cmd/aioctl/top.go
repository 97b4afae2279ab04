package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aiotools-go/aiotools/internal/top"
)

// topCommand is aioctl top: the live full-screen view (internal/top).
func (a *app) topCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "top",
		Short: "a live full-screen view of the program's tasks and services (? in it lists the keys)",
		Long: `aioctl top shows the program (memory, disk, uptime, task counts) and a table
of its tasks and services with their states, redrawn as they change. Keys:
arrows or j/k move, Enter shows the debug status, s/S/r start, stop or restart
(after a y), L follows the log, / and $ filter, : runs any verb, ? helps, q quits.
NO_COLOR (or --no-color) turns colours off. With --broker (or $AIOTOOLS_BROKER)
it shows every device on the broker (--device PATTERN: the matching ones).`,
		Example: `  aioctl top                          # the program of the one socket found
  aioctl --socket /run/app.sock top   # that program's
  aioctl --broker mqtt://hub:1883 top # every device on the broker`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, ok := a.stdout.(*os.File)
			if !ok || !term.IsTerminal(int(f.Fd())) {
				return fmt.Errorf("top needs a terminal")
			}
			// SIGTERM is bubbletea's own (a quit that restores the terminal):
			// catching it here too raced it — the context's end stopped the
			// event loop while bubbletea's signal goroutine sat blocked
			// handing over its quit, and its shutdown waited for it forever.
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP)
			defer stop()
			opt := top.Options{Color: !a.noColor}
			if a.fleet.broker != "" || a.fleet.device != "" {
				// Fleet mode: every device on the broker (--device: the matching ones).
				dctx, cancel := context.WithTimeout(ctx, a.fleet.wait)
				c, err := a.dialFleet(dctx)
				cancel()
				if err != nil {
					return err
				}
				defer c.Close()
				s, _ := a.fleetSettings()
				name := s.Broker
				if u, err := url.Parse(s.Broker); err == nil {
					name = u.Redacted() // no password in the title
				}
				return top.Run(ctx, &top.Fleet{Client: c, Broker: name, Pattern: a.fleet.device}, a.stdin, f, opt)
			}
			cl, err := a.client()
			if err != nil {
				return err
			}
			return top.Run(ctx, &top.Local{Client: cl, Where: a.at}, a.stdin, f, opt)
		},
	}
}
