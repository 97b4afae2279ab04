//go:build !memprobe

package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// console is the serial console: it collects the output and cancels the
// program once a status round shows what the board promises.
type console struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	s := c.buf.String()
	if i := strings.LastIndex(s, "--- status"); i >= 0 {
		r := s[i:]
		if strings.Contains(r, "● blink: status: running since") && strings.Contains(r, "● report: status: done") &&
			strings.Contains(r, "result: heap ") && strings.Contains(r, "[blink] LED toggled n=1") {
			c.cancel()
		}
	}
	return len(p), nil
}

// The board program blinks the LED, runs the scheduled report, and prints
// the status of both (with their last log lines) on the console.
func TestBoardShowsBlinkAndReportOnTheConsole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	con := &console{cancel: cancel}
	var mu sync.Mutex
	var toggles []bool
	led := func(on bool) { mu.Lock(); toggles = append(toggles, on); mu.Unlock() }
	start := time.Now()
	if err := run(ctx, board{led: led, out: con}, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) >= 20*time.Second {
		con.mu.Lock()
		defer con.mu.Unlock()
		t.Fatalf("no status round showed blink running and report done; console:\n%s", con.buf.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(toggles) < 2 || !toggles[0] || toggles[1] {
		t.Fatalf("LED toggles %v, want on, off, …", toggles)
	}
}
