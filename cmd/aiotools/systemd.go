package main

import (
	"context"
	"fmt"
	"io"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/aiosystemd"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// notifySystemd tells systemd, when NOTIFY_SOCKET is set, that the
// program is ready and keeps it informed (aiosystemd.Notify): STATUS
// lines, watchdog pings while healthy, RELOADING on SIGHUP (which re-reads
// the config file: services added to it are loaded), STOPPING when ctx
// ends. Without NOTIFY_SOCKET only SIGHUP's reload remains, when
// hupReloads (not in a terminal: hupEndsRun). It returns the notifier's stop.
func notifySystemd(ctx context.Context, out io.Writer, g *aioctl.Group, m *aioservice.Manager, sched *aioschedule.Scheduler, hupReloads bool) func() {
	cfg := aiosystemd.Config{Group: g, Manager: m, Scheduler: sched}
	if m != nil {
		cfg.Reload = func(ctx context.Context) error {
			err := m.LoadAll(ctx, true)
			if err != nil {
				fmt.Fprintln(out, "reload:", termsafe.Text(err.Error()))
			}
			return err
		}
	}
	if !aiosystemd.Enabled() {
		if cfg.Reload == nil || !hupReloads {
			return func() {}
		}
		return reloadOnHUP(ctx, cfg.Reload) // hup.go: SIGHUP reloads all the same
	}
	stop, err := aiosystemd.Notify(ctx, cfg)
	if err != nil {
		fmt.Fprintln(out, "systemd notify:", termsafe.Text(err.Error()))
	}
	return stop
}

func init() {
	// Last of the demo's parts: READY=1 once everything booted.
	registerDemo(1000, "systemd", func(ctx context.Context, d *demo) error {
		if !aiosystemd.Enabled() {
			return nil
		}
		stop := notifySystemd(ctx, d.cfg.Out, d.group, d.services, d.sched, true)
		d.cleanup = append(d.cleanup, func(context.Context) error { stop(); return nil })
		return nil
	})
}
