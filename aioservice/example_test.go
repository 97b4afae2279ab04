package aioservice_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
)

type HelloArgs struct {
	Pin int `json:"pin"`
}

func hello(ctx context.Context, a HelloArgs) (int, error) {
	aioctl.Logger(ctx).Info("LED toggled", "pin", a.Pin)
	<-ctx.Done()
	return a.Pin, ctx.Err()
}

func network(ctx context.Context, _ struct{}) (string, error) { return "WLAN: ENABLED", nil }

func clockSync(ctx context.Context, _ struct{}) (string, error) { return "", nil }

// A program defines its services, then a Manager loads them with the
// config file, boots the core services in dependency order and starts the
// others.
func Example() {
	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("hello", hello, HelloArgs{Pin: 2},
		aioservice.WithInfo("Hello example runner v1.0"), aioservice.WithSource("services/hello.go")))
	reg.MustRegister(aioservice.Define("network", network, struct{}{},
		aioservice.WithType(aioservice.Core), aioservice.WithSource("services/network.go")))
	reg.MustRegister(aioservice.Define("time", clockSync, struct{}{},
		aioservice.WithType(aioservice.Core), aioservice.WithRequires("network"), aioservice.WithSource("services/time.go")))

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "services.config")
	os.WriteFile(path, []byte(`{"hello": {"args": {"pin": 3}}}`), 0o644)

	g := aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.DiscardHandler)))
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(path), aioservice.WithOutput(os.Stdout))
	if err := m.Up(context.Background()); err != nil {
		fmt.Println(err)
	}
	if err := m.Close(context.Background()); err != nil {
		fmt.Println(err)
	}
	task, _ := g.Get("hello.service")
	fmt.Println("hello.service result:", task.Result())
	// Output:
	// [ OK ] Service: hello.service from services/hello.go loaded
	// [ OK ] Service: network.service from services/network.go loaded
	// [ OK ] Service: time.service from services/time.go loaded
	// [ OK ] Priority core services solved...
	// [ Booting ] Order: --> network --> time
	// [ OK ] Booting network.service...
	// [ OK ] network.service WLAN: ENABLED
	// [ OK ] Booting time.service...
	// [ OK ] Starting hello.service...
	// hello.service result: 3
}

// BootOrder is the order Boot and Init start the loaded services in: each
// after what it depends on, those of a step together. A dependency cycle
// starts nothing and names every member.
func ExampleManager_BootOrder() {
	reg := aioservice.NewRegistry()
	reg.MustRegister(aioservice.Define("time", clockSync, struct{}{},
		aioservice.WithType(aioservice.Core), aioservice.WithRequires("network")))
	reg.MustRegister(aioservice.Define("network", network, struct{}{}, aioservice.WithType(aioservice.Core)))
	reg.MustRegister(aioservice.Define("hello", hello, HelloArgs{}, aioservice.WithAfter("time")))
	m := aioservice.NewManager(aioctl.NewGroup(), reg)
	defer m.Close(context.Background())
	m.LoadAll(context.Background(), false)
	bo, _ := m.BootOrder()
	fmt.Println(bo.Core, bo.Others, bo.Levels)

	reg = aioservice.NewRegistry()
	for _, ab := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}} {
		reg.MustRegister(aioservice.Define(ab[0], clockSync, struct{}{},
			aioservice.WithType(aioservice.Core), aioservice.WithRequires(ab[1])))
	}
	m = aioservice.NewManager(aioctl.NewGroup(), reg)
	defer m.Close(context.Background())
	m.LoadAll(context.Background(), false)
	fmt.Println(m.Boot(context.Background()))
	// Output:
	// [network time] [hello] [[network] [time] [hello]]
	// dependency cycle: a -> b -> c -> a
}

// A config file error names the file, line, column and field.
func ExampleParseConfig() {
	_, err := aioservice.ParseConfig("services.config", []byte("{\n  \"hello\": {\"enabeld\": true}\n}"), nil)
	fmt.Println(err)
	// Output:
	// services.config:2:13: hello.enabeld: unknown key (want one of enabled, args, kwargs, schedule, requires, after, restart, stop_timeout, readiness, children, exec, type, info, docs, log_level)
}
