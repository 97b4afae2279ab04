// Package fleettest runs a fleet for a test: an embedded MQTT broker on a
// free loopback port and aiotools devices on it (aiomqtt over a group of
// its own), all stopped when the test ends. The fleet tests of the CLI
// (cmd/aioctl) and of top's fleet view (internal/top) share it.
package fleettest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aiomqtt"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"github.com/aiotools-go/aiotools/control"
)

// readyWithin bounds the wait for a device's first $state ready.
const readyWithin = 10 * time.Second

// Device is one running device.
type Device struct {
	ID     string
	Group  *aioctl.Group
	Interp *control.Interp // register a user verb here: the device answers it
	Ring   *aiolog.Ring
	MQTT   *aiomqtt.Device
}

// Broker starts an embedded broker on a free loopback port, closed when
// the test ends, and returns its URL (mqtt://127.0.0.1:PORT).
func Broker(t testing.TB) string {
	t.Helper()
	b, err := broker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b.URL()
}

// Start runs the devices PREFIX1 … PREFIXn (prefix "demo-": demo-1 …) on
// the broker at url until the test ends, and returns once each has
// published $state ready. Each has a task "blink" that runs until
// stopped, and a ring log whose first line is "hello from ID".
func Start(t testing.TB, url, prefix string, n int) []Device {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	devs := make([]Device, 0, n)
	for i := 1; i <= n; i++ {
		id := fmt.Sprint(prefix, i)
		ring := aiolog.New(64 << 10)
		g := aioctl.NewGroup(aioctl.WithGroupName(id), aioctl.WithLogger(slog.New(ring.Handler(nil))), aioctl.WithLogSource(ring))
		aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (int, error) { <-ctx.Done(); return 0, nil }, struct{}{}, aioctl.WithName("blink"))
		g.Logger().Info("hello from " + id)
		in, err := control.NewInterp(control.Components{Group: g, Log: ring})
		if err != nil {
			t.Fatal(err)
		}
		d, err := aiomqtt.New(in, aiomqtt.Args{Broker: url, Device: id}, aiomqtt.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		t.Cleanup(func() {
			cancel()
			<-done
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			g.Close(sctx)
		})
		select {
		case <-d.Ready():
		case <-time.After(readyWithin):
			t.Fatalf("%s: no $state ready within %v", id, readyWithin)
		}
		devs = append(devs, Device{ID: id, Group: g, Interp: in, Ring: ring, MQTT: d})
	}
	return devs
}
