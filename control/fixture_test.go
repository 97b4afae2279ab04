package control_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type blinkArgs struct {
	Pin   int           `json:"pin"`
	Sleep time.Duration `json:"sleep"`
}

// program is a program under control: a group with tasks, a ring log and
// (for server tests) a control server and a client.
type program struct {
	g     *aioctl.Group
	ring  *aiolog.Ring
	in    *control.Interp
	srv   *control.Server
	cl    *client.Client
	sock  string
	ticks chan struct{} // blink sends here each time it logs
}

// newProgram starts the test program's tasks: blink (runs until stopped,
// logs "LED <pin> toggled"), answer (done, 42), dofail (error),
// hello_1 and hello_2 (running).
func newProgram(t *testing.T) *program {
	t.Helper()
	p := &program{ring: aiolog.New(64 << 10), ticks: make(chan struct{}, 100)}
	p.g = aioctl.NewGroup(aioctl.WithGroupName("test"), aioctl.WithLogSource(p.ring),
		aioctl.WithLogger(slog.New(p.ring.Handler(nil))), aioctl.WithDefaultStopTimeout(2*time.Second))
	blink := func(ctx context.Context, a blinkArgs) (int, error) {
		aioctl.Logger(ctx).Info("LED toggled", "pin", a.Pin)
		select {
		case p.ticks <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return a.Pin, ctx.Err()
	}
	wait := func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil }
	aioctl.MustAdd(p.g, blink, blinkArgs{Pin: 2, Sleep: time.Second}, aioctl.WithName("blink"),
		aioctl.WithOnStop(func(a blinkArgs) int { return -a.Pin }))
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) { return n * 2, nil }, 21, aioctl.WithName("answer"))
	aioctl.MustAdd(p.g, func(ctx context.Context, n int) (int, error) {
		aioctl.Logger(ctx).Error("about to fail")
		return 0, errors.New("division by zero")
	}, 0, aioctl.WithName("dofail"))
	aioctl.MustAdd(p.g, wait, struct{}{}, aioctl.WithName("hello"))
	aioctl.MustAdd(p.g, wait, struct{}{}, aioctl.WithName("hello"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.g.Close(ctx)
	})
	// Wait until the one-shot tasks have ended and blink has logged.
	<-p.ticks
	for _, n := range []string{"answer", "dofail"} {
		tk, _ := p.g.Get(n)
		<-tk.Done()
	}
	var err error
	p.in, err = control.NewInterp(control.Components{Group: p.g, Log: p.ring})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// serve starts a control server for p on a socket in a fresh directory.
func (p *program) serve(t *testing.T, cfg control.Config) {
	t.Helper()
	if cfg.Socket == "" {
		cfg.Socket = filepath.Join(shortTempDir(t), "ctl.sock")
	}
	cfg.Interp = p.in
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := control.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.srv, p.sock = srv, srv.SocketPath()
	t.Cleanup(func() { srv.Close() })
	if p.sock != "" {
		p.cl = newClient(t, client.Options{Socket: p.sock})
	}
}

func newClient(t *testing.T, opt client.Options) *client.Client {
	t.Helper()
	cl, err := client.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// shortTempDir is a 0700 temp directory (t.TempDir is 0755 under the
// usual umask) with a path short enough for a unix socket.
func shortTempDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	return d
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// pollUntil calls check until it returns nil, for at most timeout, and
// fails the test with check's last error otherwise. It is only for
// conditions outside the test's reach that give no event to wait on
// (the server giving back a closed
// connection's place when its serving goroutine sees it close); everything else waits on channels. The pause between tries
// grows from 1 ms to 50 ms: a quick condition is seen quickly, a slow one
// is not spun on, and the whole wait is bounded.
func pollUntil(t testing.TB, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after %v: %v", what, timeout, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}
