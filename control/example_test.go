package control_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// The interpreter runs the same verbs for every front end.
func ExampleInterp_ExecLine() {
	g := aioctl.NewGroup()
	t := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n * 2, nil }, 21, aioctl.WithName("answer"))
	<-t.Done()
	in, _ := control.NewInterp(control.Components{Group: g})

	res := in.ExecLine(context.Background(), "result answer", control.Options{})
	fmt.Print(res.Text)
	res = in.ExecLine(context.Background(), "is-active answer", control.Options{})
	fmt.Print(res.Text)
	fmt.Println("exit", res.Exit)
	res = in.ExecLine(context.Background(), "stop ../answer", control.Options{})
	fmt.Println(res.Err.Code)
	// Output:
	// answer: 42
	// inactive
	// exit 3
	// bad_argument
}

// A program opens its control socket with one call; aioctl (or the Go
// client) reaches it.
func ExampleNewServer() {
	g := aioctl.NewGroup()
	aioctl.MustAdd(g, func(ctx context.Context, _ struct{}) (any, error) { <-ctx.Done(); return nil, nil },
		struct{}{}, aioctl.WithName("hello_task"))
	defer g.Close(context.Background())

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g},
		Socket:     filepath.Join(dir, "run", "example.sock"),
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	cl, _ := client.New(client.Options{Socket: srv.SocketPath()})
	defer cl.Close()
	resp, _ := cl.Exec(context.Background(), []string{"status", "hello*"}, control.Options{})
	fmt.Println(strings.SplitN(resp.Text, " since", 2)[0], "| exit", resp.Exit)
	// Output:
	// ● hello_task: status: running | exit 0
}
