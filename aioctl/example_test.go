package aioctl_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

type BlinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// blink is a task: it runs until its context is cancelled.
func blink(ctx context.Context, a BlinkArgs) (int, error) {
	<-ctx.Done()
	return a.Pin, ctx.Err()
}

// Add a task, stop it, change its arguments from JSON and start it again.
func Example() {
	g := aioctl.NewGroup()
	defer g.Close(context.Background())

	running := make(chan struct{}, 2)
	g.Watch(func(e aioctl.Event) {
		if e.To == aioctl.Running {
			running <- struct{}{}
		}
	})
	aioctl.MustAdd(g, blink, BlinkArgs{Pin: 2, Sleep: 5 * time.Second},
		aioctl.WithOnStop(func(a BlinkArgs) int { return -a.Pin }))
	<-running

	stopped, _ := g.Stop(context.Background(), "blink")
	t, _ := g.Get("blink")
	fmt.Println("stopped:", stopped, "state:", t.State(), "result:", t.Result())

	if _, err := g.SetArgsJSON([]byte(`{"sleep": 3}`), "blink"); err != nil {
		fmt.Println(err)
	}
	if _, err := g.SetArgsJSON([]byte(`{"speed": 3}`), "blink"); err != nil {
		fmt.Println(err)
	}
	g.Start("blink")
	<-running
	a, _ := aioctl.Args[BlinkArgs](t)
	fmt.Println("state:", t.State(), "args:", a.Pin, a.Sleep)
	// Output:
	// stopped: [blink] state: stopped result: -2
	// task "blink": bad arguments: field "speed": unknown field
	// state: running args: 2 3s
}

// Status in the seed's format, on a fixed clock.
func ExampleRender() {
	fc := clock.NewFake(time.Date(2015, 1, 1, 11, 28, 30, 0, time.UTC))
	g := aioctl.NewGroup(aioctl.WithClock(fc))
	done := make(chan struct{})
	g.Watch(func(e aioctl.Event) {
		if e.To == aioctl.Done || e.To == aioctl.Error {
			done <- struct{}{}
		}
	})
	aioctl.MustAdd(g, func(context.Context, int) (int, error) { return 42, nil }, 0, aioctl.WithName("answer"))
	<-done
	aioctl.MustAdd(g, func(context.Context, int) (int, error) { return 0, errors.New("division by zero") }, 0, aioctl.WithName("dofail"))
	<-done
	fc.Advance(3 * time.Second)

	sts, _ := g.Status()
	aioctl.Render(os.Stdout, sts, aioctl.RenderOptions{Now: fc.Now(), Location: time.UTC})
	// Output:
	// ● answer: status: done @ 2015-01-01 11:28:30; 3 s ago --> result: 42
	// ● dofail: status: ERROR @ 2015-01-01 11:28:30; 3 s ago --> result: Error: division by zero
}

// A restart policy: restart on failure with a growing delay, and give up
// after 5 restarts within 10 minutes.
func ExampleWithRestart() {
	g := aioctl.NewGroup()
	defer g.Close(context.Background())
	_, err := aioctl.Add(g, blink, BlinkArgs{Pin: 2}, aioctl.WithRestart(aioctl.RestartPolicy{
		Mode:     aioctl.OnFailure,
		Delay:    time.Second,
		Factor:   2,
		MaxDelay: time.Minute,
		Jitter:   0.1,
		Budget:   5,
		Window:   10 * time.Minute,
	}))
	fmt.Println(err)
	// Output: <nil>
}

// Patterns select tasks by name; names that match nothing are reported.
func ExampleGroup_Find() {
	g := aioctl.NewGroup()
	for _, n := range []string{"task_led_1", "task_led_2", "hello.service"} {
		aioctl.MustAdd(g, blink, BlinkArgs{}, aioctl.WithName(n), aioctl.Deferred())
	}
	ts, err := g.Find("task_led_*", "nosuch")
	for _, t := range ts {
		fmt.Println(t.Name())
	}
	fmt.Println(err, errors.Is(err, aioctl.ErrNotFound))
	// Output:
	// task_led_1
	// task_led_2
	// no task matches "nosuch" true
}
