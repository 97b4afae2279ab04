package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// BlinkArgs are the simulated LED task's arguments; `set args` edits them.
type BlinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// blink toggles a simulated LED and logs each toggle, until stopped.
func blink(ctx context.Context, a BlinkArgs) (int, error) {
	log := aioctl.Logger(ctx)
	on := false
	toggles := 0
	for {
		on = !on
		toggles++
		log.Info("LED "+strconv.Itoa(a.Pin)+" toggled!", "on", on)
		select {
		case <-ctx.Done():
			return toggles, ctx.Err()
		case <-time.After(a.Sleep):
		}
	}
}

// answer finishes at once with a result.
func answer(ctx context.Context, n int) (int, error) { return n * 2, nil }

// divide fails, as the seed's dofail example does.
func divide(ctx context.Context, d int) (int, error) {
	if d == 0 {
		return 0, errors.New("division by zero")
	}
	return 1 / d, nil
}

// crash panics; aioctl recovers it and keeps the stack.
func crash(ctx context.Context, _ struct{}) (any, error) {
	var m map[string]int
	//lint:ignore SA5000 the demo task panics on purpose
	m["boom"]++ // assignment to entry in nil map
	return nil, nil
}

func init() {
	registerDemo(10, "tasks", func(ctx context.Context, d *demo) error {
		g := d.group
		if _, err := aioctl.Add(g, blink, BlinkArgs{Pin: 2, Sleep: 2 * time.Second},
			aioctl.WithOnStop(func(a BlinkArgs) int { return -a.Pin })); err != nil {
			return err
		}
		aioctl.MustAdd(g, answer, 21)
		aioctl.MustAdd(g, divide, 0, aioctl.WithName("dofail"))
		aioctl.MustAdd(g, crash, struct{}{})
		return registerKinds(g)
	})
}

// registerKinds offers the demo's functions to `add KIND [NAME] [JSON]`
// (`help add` lists them); `clone` needs no registration.
func registerKinds(g *aioctl.Group) error {
	return errors.Join(
		aioctl.Register(g, "blink", blink, BlinkArgs{Pin: 2, Sleep: 2 * time.Second},
			aioctl.WithOnStop(func(a BlinkArgs) int { return -a.Pin })),
		aioctl.Register(g, "answer", answer, 21),
		aioctl.Register(g, "divide", divide, 0),
		aioctl.Register(g, "crash", crash, struct{}{}))
}
