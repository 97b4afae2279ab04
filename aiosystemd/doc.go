// Package aiosystemd lets a program of aioctl tasks and aioservice
// services live under systemd: it speaks the sd_notify protocol (through
// github.com/coreos/go-systemd/v22/daemon) when NOTIFY_SOCKET is set, and
// does nothing otherwise.
//
// One call, after boot:
//
//	stop, err := aiosystemd.Notify(ctx, aiosystemd.Config{Group: g, Manager: m,
//		Scheduler: sched, Reload: func(ctx context.Context) error { return m.LoadAll(ctx, true) }})
//	defer stop()
//
// sends READY=1 and a STATUS= line ("12 running, 1 failed") at once, a
// new STATUS= line when the counts change, WATCHDOG=1 every half of
// WATCHDOG_USEC while the program is healthy, RELOADING=1 … READY=1
// around Config.Reload on SIGHUP, and STOPPING=1 when ctx ends.
//
// Healthy means: no critical task (Config.Critical, and the enabled core
// services of Config.Manager) failed CrashLoop.Failures times within
// CrashLoop.Window (default 3 within 1 minute) or gave up restarting; no
// schedule of Config.Scheduler is overdue by more than StuckAfter without
// its task running; every Config.Checks passes. While it is not, the pings
// stop, STATUS says why, and systemd (WatchdogSec=) restarts the process.
// The pings resume when the program is healthy again before that.
//
// The package is above the core: aioctl, aioschedule and aioservice stay
// free of os/signal and net. See examples/systemd for a unit file.
package aiosystemd
