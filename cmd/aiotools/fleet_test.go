//go:build !aiotools_nofleet

package main

import (
	"bufio"
	"context"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
)

func TestDemoFleetRunsDevicesOnAnEmbeddedBroker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- runFleetDemo(ctx, 3, "", pw); pw.Close() }()
	defer func() {
		cancel()
		go io.Copy(io.Discard, pr)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	url, ok := strings.CutPrefix(lines.Text(), "broker: ")
	if !ok || !strings.HasPrefix(url, "mqtt://127.0.0.1:") {
		t.Fatalf("first line %q, want broker: mqtt://127.0.0.1:PORT", lines.Text())
	}
	lines.Scan() // devices: … (all set up)
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	c, err := fleet.Dial(wctx, fleet.Settings{Broker: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The devices connect on their own: wait (bounded) for all three.
	var devs []fleet.Device
	for wctx.Err() == nil {
		devs, err = c.Devices(wctx, "demo-*")
		if err == nil && len(devs) == 3 && devs[0].Status == "ONLINE" && devs[1].Status == "ONLINE" && devs[2].Status == "ONLINE" {
			break
		}
	}
	if len(devs) != 3 || devs[0].ID != "demo-1" || devs[2].ID != "demo-3" {
		t.Fatalf("devices %+v", devs)
	}
	for _, a := range c.Exec(wctx, []string{"demo-2"}, []string{"status", "blink"}, api.Options{}) {
		if a.Err != nil || !a.Response.OK || !strings.Contains(a.Response.Text, "blink") {
			t.Fatalf("status blink on demo-2: %+v %v", a.Response, a.Err)
		}
	}
	// The demo's own verb runs on its fleet devices too.
	if a := c.Exec(wctx, []string{"demo-2"}, []string{"blink-rate", "2s"}, api.Options{})[0]; a.Err != nil || !a.Response.OK || !strings.Contains(a.Response.Text, "blink toggles every 2s") {
		t.Fatalf("blink-rate 2s on demo-2: %+v %v", a.Response, a.Err)
	}
}

// TestRunLoadsTheMQTTServiceFromTheConfig: `aiotools run` with an "mqtt"
// entry puts its services on the broker, as any other service.
func TestRunLoadsTheMQTTServiceFromTheConfig(t *testing.T) {
	b, err := broker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "mqtt": {"enabled": true, "args": {"broker": "`+b.URL()+`", "device": "runner"}},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- runServices(ctx, runConfig{Config: cfgPath, Socket: filepath.Join(dir, "run.sock"), Name: "runtest", LogBudget: 64 << 10, Out: io.Discard})
	}()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	c, err := fleet.Dial(wctx, fleet.Settings{Broker: b.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for wctx.Err() == nil { // bounded: until the service has connected
		if devs, _ := c.Devices(wctx, "runner"); len(devs) == 1 && devs[0].Status == "ONLINE" {
			break
		}
	}
	a := c.Exec(wctx, []string{"runner"}, []string{"is-active", "mqtt.service"}, api.Options{})[0]
	if a.Err != nil || !a.Response.OK {
		t.Fatalf("is-active mqtt.service on runner: %+v %v", a.Response, a.Err)
	}
}

// TestDemoFleetBrokerDown: -broker naming a broker that is down is an
// error naming the cause, not devices retrying in silence.
func TestDemoFleetBrokerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a free port nobody listens on
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	err = runFleetDemo(ctx, 1, "mqtt://"+addr, &out)
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("runFleetDemo on a broker that is down = %v (output %q), want connection refused naming %s", err, out.String(), addr)
	}
	if ctx.Err() != nil {
		t.Error("it waited for its context to end")
	}
}

// The fleet demo's device line reads right for one device too (it said
// "demo-1 … demo-1").
func TestDevicesLine(t *testing.T) {
	for n, want := range map[int]string{1: "device: demo-1", 3: "devices: demo-1 … demo-3"} {
		if got := devicesLine(n); got != want {
			t.Errorf("devicesLine(%d) = %q, want %q", n, got, want)
		}
	}
}
