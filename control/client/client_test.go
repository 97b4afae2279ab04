package client_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewNeedsAnAddress(t *testing.T) {
	if _, err := client.New(client.Options{}); err == nil {
		t.Error("New without socket or address: no error")
	}
	if _, err := client.New(client.Options{Addr: "http://x/y"}); err == nil {
		t.Error("New with a URL as address: no error")
	}
}

func TestClientAgainstServer(t *testing.T) {
	g := aioctl.NewGroup()
	aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil }, struct{}{}, aioctl.WithName("hello"))
	defer g.Close(context.Background())
	srv, err := control.NewServer(control.Config{Components: control.Components{Group: g},
		Socket: filepath.Join(t.TempDir(), "run", "c.sock"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cl, err := client.New(client.Options{Socket: srv.SocketPath(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := t.Context()
	sts, err := cl.Status(ctx, "hello")
	if err != nil || len(sts) != 1 || sts[0].State != aioctl.Running.String() {
		t.Fatalf("Status: %+v %v", sts, err)
	}
	resp, err := cl.ExecLine(ctx, "is-active hello nosuch", control.Options{})
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Code != control.CodeNotFound || resp.Exit != control.ExitNoSuch || resp.Text != "hello: active\n" {
		t.Errorf("partial answer: %+v %v", resp, err)
	}
	// follow without a log: the error comes back before any event.
	err = cl.Stream(ctx, []string{"follow"}, func(control.Event) error { return nil })
	if !errors.As(err, &ce) || ce.Code != control.CodeNotAvailable {
		t.Errorf("Stream without a log: %v", err)
	}
	names, err := cl.Names(ctx, "verbs")
	if err != nil || !strings.Contains(strings.Join(names, ","), "set args") {
		t.Errorf("verb names %v %v", names, err)
	}
	// A server that is gone is a transport error, not a panic.
	srv.Close()
	if _, err := cl.Status(ctx); err == nil {
		t.Error("Status after the server closed: no error")
	}
}

// A socket path that is a file or a directory is called what it is: both
// said "no program is listening on PATH (stale socket)", as a socket left
// by a killed program.
func TestSocketPathThatIsNoSocket(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		file: file + " is a regular file, not a socket",
		dir:  dir + " is a directory, not a socket",
	} {
		cl, err := client.New(client.Options{Socket: path, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.Exec(t.Context(), []string{"status"}, control.Options{})
		cl.Close()
		if err == nil || err.Error() != want || !errors.Is(err, client.ErrNoProgram) {
			t.Errorf("socket %s: %v, want %q (and ErrNoProgram)", path, err, want)
		}
	}
}

// An address without a port is refused by New (it was dialled: a DNS
// error for "nonsense").
func TestNewWantsHostPort(t *testing.T) {
	for _, addr := range []string{"nonsense", "host:", "host:port", "host:99999", ":-1"} {
		if _, err := client.New(client.Options{Addr: addr}); !errors.Is(err, client.ErrAddress) || !strings.Contains(err.Error(), "want HOST:PORT") {
			t.Errorf("New(Addr %q): %v, want ErrAddress", addr, err)
		}
	}
	if _, err := client.New(client.Options{Addr: "localhost:7070"}); err != nil {
		t.Errorf("New(Addr localhost:7070): %v", err)
	}
}
