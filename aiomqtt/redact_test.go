package aiomqtt

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// lines is a slog handler's output, with a signal for each line.
type lines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	line chan struct{}
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.line <- struct{}{}:
	default:
	}
	return l.buf.Write(p)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// The device logs each failed connection; paho's error carried the
// broker URL with its password, so every retry wrote it to the ring log
// (and the dashboard, fleet log, an error.log).
func TestConnectingLogHidesThePassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	in, err := control.NewInterp(control.Components{Group: newGroup(t, "blink"), Log: aiolog.New(4096)})
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{line: make(chan struct{}, 1)}
	d, err := New(in, Args{Broker: "mqtt://u:s3cret@" + addr, Device: "dev", StatsEvery: Duration(-1)},
		WithLogger(slog.New(slog.NewTextHandler(out, nil))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.After(waitLimit)
	for !strings.Contains(out.String(), "mqtt: connecting") {
		select {
		case <-out.line:
		case <-deadline:
			t.Fatalf("no connection error logged:\n%s", out.String())
		}
	}
	cancel()
	<-done
	if s := out.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "u:xxxxx@") {
		t.Errorf("want the password masked in the log:\n%s", s)
	}
}
