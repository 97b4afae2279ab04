package top

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/fleettest"
)

// The fleet source: a snapshot of each device from its retained topics,
// a new one when a task changes state (a message, not a poll), and verbs
// by request/response.
func TestFleetSource(t *testing.T) {
	url := fleettest.Broker(t)
	devs := fleettest.Start(t, url, "dev-", 2)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c, err := fleet.Dial(ctx, fleet.Settings{Broker: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	src := &Fleet{Client: c, Broker: url, Pattern: "dev-*"}
	updates := make(chan Snapshot, 64)
	done := make(chan error, 1)
	rctx, rcancel := context.WithCancel(ctx)
	go func() { done <- src.Run(rctx, updates) }()
	got := map[string]Snapshot{}
	for len(got) < 2 {
		s := <-updates
		got[s.Device] = s
	}
	for _, id := range []string{"dev-1", "dev-2"} {
		s := got[id]
		if !s.Online || s.Stats == nil || stateOf(s, "blink") != "running" || s.Key != id {
			t.Fatalf("%s: %+v", id, s)
		}
		// The device block reads the program's stats document, the one
		// `aioctl stats` prints, from the stats topic.
		if st := s.Stats; st.Memory.HeapInuse == 0 || st.Memory.Sys == 0 || st.Goroutines == 0 || st.Tasks["blink"].Status != "running" ||
			runtime.GOOS == "linux" && st.Disk == nil {
			t.Errorf("%s: stats %+v, want the stats document (memory, disk, tasks)", id, st)
		}
	}
	// A stop through the source's Exec; the new state comes as a message.
	resp, err := src.Exec(ctx, "dev-2", []string{verbStop, "--", "blink"}, api.Options{})
	if err != nil || !strings.Contains(resp.Text, "blink") {
		t.Fatalf("stop on dev-2: %v %+v", err, resp)
	}
	for {
		select {
		case s := <-updates:
			if s.Device == "dev-1" && stateOf(s, "blink") != "running" {
				t.Fatalf("dev-1 changed: %+v", s)
			}
			if s.Device != "dev-2" || stateOf(s, "blink") != "stopped" {
				continue
			}
		case <-ctx.Done():
			t.Fatal("no snapshot with dev-2's blink stopped")
		}
		break
	}
	if st, _ := devs[1].Group.Get("blink"); st.State() != aioctl.Stopped {
		t.Errorf("dev-2's blink is %v", st.State())
	}
	rcancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
