package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aiotools-go/aiotools/control"
)

// demoControlHooks let other demo parts hand their components to the
// control socket without a field in demo: a part that sets up a scheduler
// or services appends a function that fills in its field.
var demoControlHooks []func(d *demo, c *control.Components)

// demoControlSocket is the socket path flag's value ("" = the default).
var demoControlSocket = os.Getenv("AIOTOOLS_SOCKET")

func init() {
	registerDemo(40, "control", func(ctx context.Context, d *demo) error {
		c := control.Components{Group: d.group, Log: d.ring}
		for _, h := range demoControlHooks {
			h(d, &c)
		}
		logger := d.logger
		if logger == nil {
			logger = slog.Default()
		}
		srv, err := control.NewServer(control.Config{
			Components: c,
			Socket:     demoControlSocket,
			Name:       "aiotools-demo",
			Logger:     logger,
		})
		if err != nil {
			return err
		}
		d.help = append(d.help,
			"control socket: "+srv.SocketPath(),
			"  aioctl --socket "+srv.SocketPath()+" status   (or: aioctl shell, aioctl log -f, aioctl stop blink)")
		d.cleanup = append(d.cleanup, func(context.Context) error { return srv.Close() })
		return nil
	})
}
