package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// WorldArgs are the scheduled example task's arguments.
type WorldArgs struct {
	Who   string        `json:"who"`
	Sleep time.Duration `json:"sleep"`
}

// world greets, works a little and returns, as the seed's scheduled
// world_task does.
func world(ctx context.Context, a WorldArgs) (string, error) {
	aioctl.Logger(ctx).Info("hello " + a.Who)
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(a.Sleep):
	}
	return "hello " + a.Who, nil
}

var ticks atomic.Int64

// tick counts the runs of the tasks that run it.
func tick(ctx context.Context, _ struct{}) (int64, error) {
	n := ticks.Add(1)
	aioctl.Logger(ctx).Info("tick", "n", n)
	return n, nil
}

func init() {
	registerDemo(20, "schedule", func(ctx context.Context, d *demo) error {
		s := aioschedule.New(d.group)
		d.sched = s
		d.cleanup = append(d.cleanup, func(context.Context) error { s.Close(); return nil })
		if _, err := aioschedule.Add(s, world, WorldArgs{Who: "world", Sleep: 2 * time.Second},
			aioschedule.Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("world_task")); err != nil {
			return err
		}
		if _, err := aioschedule.Add(s, tick, struct{}{},
			aioschedule.Spec{Cron: "@every 15s", Jitter: 500 * time.Millisecond}, aioctl.WithName("tick")); err != nil {
			return err
		}
		if _, err := aioschedule.Add(s, tick, struct{}{},
			aioschedule.Spec{Cron: "0 3 * * *", TZ: "Europe/Berlin", CatchUp: true}, aioctl.WithName("nightly")); err != nil {
			return err
		}
		d.help = append(d.help, "schedules: world_task every 10 s from 5 s, tick @every 15s, nightly at 03:00",
			"  Berlin time (stop a task to unschedule it, start it to reschedule)")
		return nil
	})
}
