package main

import (
	"context"
	"log/slog"

	"github.com/aiotools-go/aiotools/aiolog"
)

// demoLogBudget is the demo's RAM log size: it never holds more.
const demoLogBudget = 64 << 10

func init() {
	registerDemo(0, "log", func(ctx context.Context, d *demo) error {
		var opts []aiolog.Option
		d.errorLog, opts = openErrorLog(d.cfg.ErrorLog, d.cfg.Out)
		d.ring = aiolog.New(demoLogBudget, opts...)
		d.cleanup = append(d.cleanup, func(context.Context) error { d.errorLog.close(d.ring); return nil })
		d.ring.Levels().SetDefault(slog.LevelDebug) // "log level" changes it per task
		d.logger = slog.New(d.ring.Handler(nil))
		d.group.SetLogger(d.logger)
		d.group.SetLogSource(d.ring) // status shows each task's last lines
		d.help = append(d.help,
			"every task logs into a 64 KiB RAM ring; status shows each task's last lines",
			"follow the log: go run ./cmd/aiotools demo -follow LED   (tail -F | grep LED)")
		return nil
	})
}
