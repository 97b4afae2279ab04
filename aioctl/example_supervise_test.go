package aioctl_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A database task that declares readiness, and a web task that fails
// once: under OneForAll the failure of web restarts both, db first.
func ExampleGroup_Supervise() {
	g := aioctl.NewGroup()
	db, _ := aioctl.Add(g, func(ctx context.Context, _ struct{}) (int, error) {
		aioctl.Ready(ctx) // connected: the tasks after it may start
		<-ctx.Done()
		return 0, ctx.Err()
	}, struct{}{}, aioctl.WithName("db"), aioctl.WithReadiness(5*time.Second))
	if err := db.WaitReady(context.Background()); err != nil {
		fmt.Println(err)
	}
	fail := make(chan struct{}, 1)
	aioctl.Add(g, func(ctx context.Context, _ struct{}) (int, error) {
		select {
		case <-fail:
			return 0, errors.New("lost the database")
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}, struct{}{}, aioctl.WithName("web"))

	restarted := make(chan string, 4)
	g.Watch(func(e aioctl.Event) {
		if e.Cause == aioctl.CauseRestart {
			restarted <- e.Name
		}
	})
	sup, _ := g.Supervise(aioctl.SupervisorSpec{Name: "app", Strategy: aioctl.OneForAll,
		Intensity: aioctl.Intensity{Restarts: 3, Period: time.Minute}}, "db", "web")
	defer sup.Close()
	defer g.Close(context.Background())

	fail <- struct{}{}
	fmt.Println("restarted:", <-restarted, <-restarted)
	// Output: restarted: db web
}
