package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// reloadOnHUP runs reload at each SIGHUP until ctx ends or the returned
// stop is called, for `aiotools run` without systemd: `kill -HUP` re-reads
// the config as it does under systemd (aiosystemd.Notify), where SIGHUP's
// default action would end the program on the spot, with no shutdown and
// its socket left behind. reload reports its own errors; the manager
// keeps the config it had when the file is bad.
func reloadOnHUP(ctx context.Context, reload func(context.Context) error) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_ = reload(ctx)
			}
		}
	})
	return func() {
		signal.Stop(hup)
		cancel()
		wg.Wait()
	}
}

// hupEndsRun reports whether SIGHUP ends `aiotools run` rather than
// reloading its config: only outside systemd with a terminal on stdin,
// where SIGHUP means the terminal closed (an interactive run should not
// live on in the background, writing to a terminal that is gone). Under
// systemd, nohup, a supervisor or `&` with stdin redirected, SIGHUP is the
// daemon convention: re-read the config.
func hupEndsRun(systemd, stdinTerminal bool) bool { return !systemd && stdinTerminal }
