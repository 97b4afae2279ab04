package aiomqtt

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control/api"
)

// waitLog reads the sniffer until a log event whose text contains want.
func (s *sniffer) waitLog(t *testing.T, want string) api.Event {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case m := <-s.out:
			var e api.Event
			if m.topic == "aiotools/dev/log" && json.Unmarshal([]byte(m.payload), &e) == nil && strings.Contains(e.Text, want) {
				if m.retain {
					t.Errorf("log line published retained")
				}
				return e
			}
		case <-deadline:
			t.Fatalf("no log line with %q within %v", want, waitLimit)
		}
	}
}

func TestLogFollowStreamsLinesUntilStopped(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	ring := aiolog.New(64 << 10)
	g := newGroup(t, "blink")
	log := slog.New(ring.Handler(nil))
	d, _ := startDevice(t, b.URL(), "dev", g, ring)
	s := sniff(t, b.URL(), "aiotools/dev/log", "test/r")
	ask(t, s, "log -f LED", "f", false)
	if r := s.reply(t, "f"); !r.OK || !strings.Contains(r.Text, "following the log on aiotools/dev/log") {
		t.Fatalf("log -f: %+v", r)
	}
	log.Info("noise")
	log.Info("LED 2 toggled")
	if e := s.waitLog(t, "LED 2 toggled"); e.Lost != 0 {
		t.Errorf("lost %d", e.Lost)
	}
	s.publish(t, jsonRequest("aiotools/dev/ctl", `{"follow": "stop"}`, "s"))
	if r := s.reply(t, "s"); !r.OK || !strings.Contains(r.Text, "stopped following") {
		t.Fatalf("stop: %+v", r)
	}
	d.mu.Lock()
	running := d.follow != nil
	d.mu.Unlock()
	if running {
		t.Error("the follow still runs after stop")
	}
}

func TestLogFollowRateBoundedWithLossCount(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	g := newGroupWith(t, []aioctl.GroupOption{aioctl.WithClock(fc)}, "blink")
	ring := aiolog.New(1 << 20)
	log := slog.New(ring.Handler(nil))
	followed := make(chan struct{}, 1000)
	startDevice(t, b.URL(), "dev", g, ring, func(d *Device) { d.onFollow = func() { followed <- struct{}{} } })
	s := sniff(t, b.URL(), "aiotools/dev/log", "test/r")
	ask(t, s, "log -f -n 0 line", "f", false)
	if r := s.reply(t, "f"); !r.OK {
		t.Fatalf("log -f: %+v", r)
	}
	const n = 300
	for i := range n {
		log.Info(fmt.Sprint("line ", i))
	}
	for i := range n {
		select {
		case <-followed:
		case <-time.After(waitLimit):
			t.Fatalf("%d of %d lines followed", i, n)
		}
	}
	fc.Advance(time.Second)
	log.Info("line last")
	if e := s.waitLog(t, "line last"); e.Lost != n-LogBurst {
		t.Errorf("the line after the flood says %d lost, want %d (burst %d of %d sent)", e.Lost, n-LogBurst, LogBurst, n)
	}
}
