package aiosystemd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeSystemd is a NOTIFY_SOCKET: a unixgram listener whose datagrams
// arrive, in order, on got.
type fakeSystemd struct {
	conn *net.UnixConn
	got  chan string
}

func newFakeSystemd(t *testing.T, watchdog time.Duration) *fakeSystemd {
	t.Helper()
	dir, err := os.MkdirTemp("", "sd") // short: a socket path has at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOTIFY_SOCKET", path)
	t.Setenv("WATCHDOG_USEC", "")
	t.Setenv("WATCHDOG_PID", "")
	if watchdog > 0 {
		t.Setenv("WATCHDOG_USEC", strconv.FormatInt(watchdog.Microseconds(), 10))
	}
	fs := &fakeSystemd{conn: conn, got: make(chan string, 100)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			fs.got <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	return fs
}

// next returns the next datagram (a real-time bound guards a hang).
func (fs *fakeSystemd) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-fs.got:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no datagram from the notifier")
		return ""
	}
}

func (fs *fakeSystemd) expect(t *testing.T, want string) {
	t.Helper()
	if got := fs.next(t); got != want {
		t.Fatalf("datagram %q, want %q", got, want)
	}
}

// until reads datagrams until want; only STATUS= lines may come before it
// (task counts change in passing), never a WATCHDOG=1 or anything else.
func (fs *fakeSystemd) until(t *testing.T, want string) {
	t.Helper()
	for {
		s := fs.next(t)
		if s == want {
			return
		}
		if !strings.HasPrefix(s, "STATUS=") {
			t.Fatalf("datagram %q while waiting for %q", s, want)
		}
	}
}

func fail(context.Context, struct{}) (int, error) { return 0, errors.New("no carrier") }

func block(ctx context.Context, _ struct{}) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func TestNotifyReadyStatusWatchdogInOrder(t *testing.T) {
	fs := newFakeSystemd(t, 2*time.Second)
	fc := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(fc), aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer g.Close(context.Background())
	aioctl.Add(g, block, struct{}{}, aioctl.WithName("blink"))
	net, _ := aioctl.Add(g, fail, struct{}{}, aioctl.WithName("net.service"), aioctl.Deferred())
	reloaded := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop, err := Notify(ctx, Config{Group: g, Critical: []string{"net.service"},
		Reload: func(context.Context) error { reloaded <- struct{}{}; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	fs.expect(t, "READY=1")
	fs.expect(t, "STATUS=1 running")

	// The watchdog pings at half of WATCHDOG_USEC: every second.
	fc.WaitTimers(1, nil)
	if at, _ := fc.Next(); !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("first ping planned at %v, want t0+1s", at)
	}
	fc.Advance(time.Second)
	fs.expect(t, "WATCHDOG=1")
	fc.WaitTimers(1, nil)
	if at, _ := fc.Next(); !at.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("second ping planned at %v, want t0+2s", at)
	}

	// A critical task crash-loops: 3 failures within a minute.
	failed := make(chan struct{}, 1)
	unwatch := g.Watch(func(e aioctl.Event) {
		if e.Name == "net.service" && e.To == aioctl.Error {
			failed <- struct{}{}
		}
	})
	defer unwatch()
	for range 3 {
		net.Start()
		<-failed
	}
	fs.until(t, "STATUS=1 running, 1 failed")
	fc.Advance(time.Second) // the ping is due, but the program is not healthy
	fs.until(t, "STATUS=1 running, 1 failed; watchdog paused: net.service crash-loops (3 failures within 1m0s)")
	fc.WaitTimers(1, nil)
	fc.Advance(time.Second) // still crash-looping: no ping, no change
	fc.WaitTimers(1, nil)

	// SIGHUP: RELOADING=1 (with the monotonic time), the reload, READY=1.
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	if s := fs.next(t); !strings.HasPrefix(s, "RELOADING=1\nMONOTONIC_USEC=") {
		t.Fatalf("after SIGHUP: %q, want RELOADING=1", s)
	}
	<-reloaded
	fs.expect(t, "READY=1")
	if s := fs.next(t); !strings.HasPrefix(s, "STATUS=1 running, 1 failed; watchdog paused") {
		t.Fatalf("after reload: %q", s)
	}

	// A minute on, the crash loop is over: the pings resume.
	fc.Advance(time.Minute)
	fs.until(t, "WATCHDOG=1")

	cancel() // shutdown begins
	fs.until(t, "STOPPING=1")
}

func TestNotifyWithoutSocketDoesNothing(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	stop, err := Notify(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

func TestChecksStopPings(t *testing.T) {
	fc := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(fc))
	n := newNotifier(Config{Group: g, Checks: []func(time.Time) error{func(now time.Time) error {
		if now.After(t0.Add(time.Minute)) {
			return errors.New("disk full")
		}
		return nil
	}}})
	if err := n.health(t0); err != nil {
		t.Fatal(err)
	}
	if err := n.health(t0.Add(2 * time.Minute)); err == nil || err.Error() != "disk full" {
		t.Fatalf("health = %v, want disk full", err)
	}
}

// TestStuckScheduler: a schedule overdue by more than StuckAfter, its task
// not running, is a stuck scheduler (here the fake clock never reached it).
func TestStuckScheduler(t *testing.T) {
	fc := clock.NewFake(t0)
	g := aioctl.NewGroup(aioctl.WithClock(fc), aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer g.Close(context.Background())
	s := aioschedule.New(g)
	defer s.Close()
	aioctl.Add(g, block, struct{}{}, aioctl.WithName("tick"), aioctl.Deferred())
	if err := s.Schedule("tick", aioschedule.Spec{StartIn: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	n := newNotifier(Config{Group: g, Scheduler: s, StuckAfter: 5 * time.Second})
	if err := n.health(t0.Add(14 * time.Second)); err != nil {
		t.Fatalf("4 s overdue: %v, want healthy", err)
	}
	err := n.health(t0.Add(16 * time.Second))
	if err == nil || err.Error() != "scheduler stuck: tick due 6s ago" {
		t.Fatalf("6 s overdue: %v, want scheduler stuck", err)
	}
}

// TestStatusCountsStartingUntilReady: a task that declares readiness is
// "starting" in STATUS until it calls Ready, then "running".
func TestStatusCountsStartingUntilReady(t *testing.T) {
	fs := newFakeSystemd(t, 0)
	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer g.Close(context.Background())
	goCh := make(chan struct{})
	aioctl.Add(g, func(ctx context.Context, _ struct{}) (int, error) {
		<-goCh
		aioctl.Ready(ctx)
		<-ctx.Done()
		return 0, ctx.Err()
	}, struct{}{}, aioctl.WithName("db"), aioctl.WithReadiness(0))
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := Notify(ctx, Config{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	fs.expect(t, "READY=1")
	fs.expect(t, "STATUS=0 running, 1 starting")
	close(goCh)
	fs.expect(t, "STATUS=1 running")
	cancel()
	fs.until(t, "STOPPING=1")
}
