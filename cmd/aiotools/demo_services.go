package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
)

// The demo's services.config and .env, written to a temporary directory
// at start so that the config verbs (enable, disable, config) can edit them.
var (
	//go:embed demoservices/services.config
	demoServicesConfig []byte
	//go:embed demoservices/env
	demoServicesEnv []byte
)

// HelloServiceArgs are the hello service's arguments.
type HelloServiceArgs struct {
	Pin   int                 `json:"pin"`
	Sleep aioservice.Duration `json:"sleep"`
}

// helloStats is what hello.service's Show() reports.
type helloStats struct {
	loops  atomic.Int64
	execMs atomic.Int64
	temp   atomic.Int64 // centi-degrees
	// fail says whether a loop fails now (nil: one time in 8).
	fail func() bool
}

// run toggles a simulated LED every Sleep and, now and then, fails (its
// restart policy and the watcher bring it back). The first loop of a run
// never fails, so that a start is always seen running.
func (s *helloStats) run(ctx context.Context, a HelloServiceArgs) (int64, error) {
	log := aioctl.Logger(ctx)
	fail := s.fail
	if fail == nil {
		fail = func() bool { return rand.IntN(8) == 0 }
	}
	for first := true; ; first = false {
		start := time.Now()
		s.temp.Store(2500 + rand.Int64N(150))
		log.Info(fmt.Sprintf("LED %d toggled!", a.Pin))
		if !first && fail() {
			return s.loops.Load(), errors.New("sensor read timed out")
		}
		s.loops.Add(1)
		s.execMs.Store(time.Since(start).Milliseconds())
		select {
		case <-ctx.Done():
			return s.loops.Load(), ctx.Err()
		case <-time.After(time.Duration(a.Sleep)):
		}
	}
}

func (s *helloStats) show() (string, string) {
	t := s.temp.Load()
	return "Stats", fmt.Sprintf("Temp: %d.%02d C   Loop info: exec time: %d ms; # loops: %d", t/100, t%100, s.execMs.Load(), s.loops.Load())
}

// WorldServiceArgs are the world service's arguments.
type WorldServiceArgs struct {
	Who string `json:"who"`
}

func worldService(ctx context.Context, a WorldServiceArgs) (string, error) {
	aioctl.Logger(ctx).Info("hello " + a.Who)
	return "hello " + a.Who, nil
}

// coreStep is what a core service does: it takes a moment and reports a
// result. Each core service is a named function calling it, so that status
// shows a readable function (main.networkUp, not a closure's
// main.demoServiceRegistry.coreStep.func9).
func coreStep(ctx context.Context, msg string, d time.Duration) (string, error) {
	aioctl.Logger(ctx).Info("starting")
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(d):
	}
	return msg, nil
}

// networkUp brings up the simulated WLAN (the network core service).
func networkUp(ctx context.Context, _ struct{}) (string, error) {
	return coreStep(ctx, "WLAN: ENABLED", 300*time.Millisecond)
}

// timeSync syncs the clock (the time core service, after network).
func timeSync(ctx context.Context, _ struct{}) (string, error) {
	return coreStep(ctx, "NTP: clock synced", 200*time.Millisecond)
}

// neverRuns is the dofail service's function: its constructor fails first.
func neverRuns(ctx context.Context, _ struct{}) (string, error) { return coreStep(ctx, "", 0) }

// failToLoad is dofail's constructor: it panics, so the load fails and
// keeps the stack (services traceback).
func failToLoad(ctx context.Context, _ struct{}) error {
	zero := 0
	_ = 1 / zero
	return nil
}

// demoServiceRegistry defines the seed's example services.
func demoServiceRegistry() *aioservice.Registry {
	const docs = "https://github.com/Carglglz/mpy-aiotools/blob/main/README.md"
	r := aioservice.NewRegistry()
	stats := &helloStats{}
	r.MustRegister(aioservice.Define("hello", stats.run, HelloServiceArgs{Pin: 2, Sleep: aioservice.Duration(5 * time.Second)},
		aioservice.WithInfo("Hello example runner v1.0"), aioservice.WithDocs(docs), aioservice.WithShow(stats.show)))
	r.MustRegister(aioservice.Define("world", worldService, WorldServiceArgs{Who: "world"},
		aioservice.WithType(aioservice.Schedule), aioservice.WithInfo("World example scheduled service"),
		aioservice.WithSchedule(`{"start_in": 20, "repeat": 90}`), aioservice.WithDocs(docs)))
	r.MustRegister(aioservice.Define("network", networkUp, struct{}{},
		aioservice.WithType(aioservice.Core), aioservice.WithInfo("Network (simulated WLAN)")))
	r.MustRegister(aioservice.Define("time", timeSync, struct{}{},
		aioservice.WithType(aioservice.Core), aioservice.WithInfo("Time sync"), aioservice.WithRequires("network")))
	r.MustRegister(aioservice.Define("dofail", neverRuns, struct{}{},
		aioservice.WithInfo("A service whose constructor fails"), aioservice.WithOnLoad(failToLoad)))
	r.MustRegister(aioservice.NewWatcher().Service(aioservice.WatcherArgs{Every: aioservice.Duration(30 * time.Second), Restart: true}))
	return r
}

// setupServices writes the config, loads the services, boots the core ones
// and starts the rest, printing the load status and the boot order.
func setupServices(ctx context.Context, d *demo) error {
	dir, err := os.MkdirTemp("", "aiotools-demo-services-")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, aioservice.DefaultConfigFile)
	if err := os.WriteFile(path, demoServicesConfig, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), demoServicesEnv, 0o644); err != nil {
		return err
	}
	opts := []aioservice.ManagerOption{aioservice.WithConfigFile(path), aioservice.WithOutput(d.cfg.Out)}
	if d.sched != nil { // one scheduler for the whole demo
		opts = append(opts, aioservice.WithScheduler(d.sched))
	}
	reg := demoServiceRegistry()
	d.neopixel.define(reg) // demo_neopixel.go
	m := aioservice.NewManager(d.group, reg, opts...)
	d.cleanup = append(d.cleanup, func(ctx context.Context) error {
		err := m.Close(ctx)
		return errors.Join(err, os.RemoveAll(dir))
	})
	var ce *aioservice.ConfigError
	if err := m.Up(ctx); errors.As(err, &ce) {
		return err // the shipped config must be valid; other errors are the demo's failures (dofail)
	}
	d.services = m
	d.help = append(d.help,
		"services: hello (fails at times), world (schedule), dofail (fails to load),",
		"  network --> time (core, booted in order), watcher, ticker (exec)",
		"  their config: "+path,
		"  (status in -debug mode shows the service headers)")
	return nil
}

func init() {
	registerDemo(30, "services", setupServices)
}
