package aiomqtt_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// A program puts its tasks on a broker (here an embedded one), and a
// fleet client runs a verb on it.
func ExampleNew() {
	b, _ := broker.Start("127.0.0.1:0", nil)
	defer b.Close()

	g := aioctl.NewGroup()
	aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { <-ctx.Done(); return 0, nil },
		struct{}{}, aioctl.WithName("blink"))
	in, _ := control.NewInterp(control.Components{Group: g})
	d, _ := aiomqtt.New(in, aiomqtt.Args{Broker: b.URL(), Device: "kitchen"})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	<-d.Ready()

	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _ := fleet.Dial(wait, fleet.Settings{Broker: b.URL()})
	devs, _ := c.Devices(wait, "")
	fmt.Println(devs[0].ID, devs[0].Status)
	for _, a := range c.Exec(wait, []string{"kitchen"}, []string{"is-active", "blink"}, api.Options{}) {
		fmt.Print(a.Device, ": ", a.Response.Text)
	}
	c.Close()
	stop()
	<-done
	g.Close(wait)
	// Output:
	// kitchen ONLINE
	// kitchen: active
}
