package main

import (
	"context"
	"log/slog"

	"github.com/aiotools-go/aiotools/control"
)

// demoControlSocket, when set, is the socket path for a demoConfig
// without one (tests set it).
var demoControlSocket string

func init() {
	registerDemo(40, "control", func(ctx context.Context, d *demo) error {
		c := control.Components{Group: d.group, Log: d.ring, Scheduler: d.sched, Services: d.services, ErrorLog: d.errorLog.file()}
		logger := d.logger
		if logger == nil {
			logger = slog.Default()
		}
		in, err := control.NewInterp(c)
		if err != nil {
			return err
		}
		mount, url, stopMetrics, err := startMetrics(in, d.cfg.MetricsAddr) // metrics.go
		if err != nil {
			return err
		}
		d.cleanup = append(d.cleanup, stopMetrics)
		cfg := control.Config{
			Interp: in,
			Mount:  mount,  // GET /metrics, /debug/vars
			Lock:   d.lock, // taken before the demo started anything
			Logger: logger,
		}
		web, err := mountWeb(&cfg, d.cfg.Web) // web.go
		if err != nil {
			return err
		}
		srv, err := control.NewServer(cfg)
		if err != nil {
			return err
		}
		if url != "" {
			d.help = append(d.help, "metrics: "+url)
		}
		d.socket = srv.SocketPath()
		d.interp = srv.Interp()
		d.help = append(d.help,
			"control socket: "+srv.SocketPath(),
			"  aioctl --socket "+srv.SocketPath()+" status",
			"  (or: aioctl shell, aioctl log -f, aioctl stop blink)")
		if line := web(srv); line != "" {
			d.help = append(d.help, line)
		}
		d.cleanup = append(d.cleanup, func(context.Context) error { return srv.Close() })
		return nil
	})
}
