package main

import (
	"context"
	"fmt"
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
NO_COLOR (or --no-color) turns colours off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, err := a.client()
			if err != nil {
				return err
			}
			f, ok := a.stdout.(*os.File)
			if !ok || !term.IsTerminal(int(f.Fd())) {
				return fmt.Errorf("top needs a terminal")
			}
			where := a.socket
			if where == "" {
				where = a.addr
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			return top.Run(ctx, &top.Local{Client: cl, Where: where}, a.stdin, f, top.Options{Color: !a.noColor})
		},
	}
}
