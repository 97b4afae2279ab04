package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// runConfig is what `aiotools run` takes from its command line.
type runConfig struct {
	Config    string // the services.config to run
	Default   bool   // Config is the default path, not named with -c: it may be missing
	Socket    string // control socket path; "" = the default for Name
	Name      string // program name in the default socket path
	LogBudget int    // bytes of RAM log
	Out       io.Writer
	// Console reads commands from stdin (the in-program console); the log
	// is then not echoed to Out, where it would run into the prompt.
	Console bool
	// Answers is where the console's answers go (nil: Out); Out then has
	// the rest (consoleWriters).
	Answers io.Writer
	// ErrorLog is --error-log and its flags (errorlog.go).
	ErrorLog errorLogConfig
	// MetricsAddr, when set, also serves Prometheus metrics there (-metrics).
	MetricsAddr string
	Web         string // the dashboard's TCP address ("" = none; web.go)
	// HUPEnds: SIGHUP stops the program (its terminal hung up) instead of
	// re-reading the config (hupEndsRun).
	HUPEnds bool
}

// runServices runs the services a config file declares (exec services,
// and the watcher) with a RAM log echoed to Out and a control socket, until
// ctx ends; then it stops them in reverse dependency order. It is the
// runner for services "installed" without Go code: see examples/run.
func runServices(ctx context.Context, cfg runConfig) error {
	// Everything printed goes through one queue that never blocks: a
	// stdout nobody reads holds up neither the log nor the shutdown.
	echo := newEcho(cfg.Out)
	defer flushEcho(echo)
	answers, own := answersEcho(cfg.Answers, cfg.Out, echo) // console.go
	if own {
		defer flushEcho(answers)
	}
	cfg.Out = echo
	missing, err := checkConfig(cfg.Config, cfg.Default)
	if err != nil {
		return err
	}
	if missing {
		fmt.Fprintf(cfg.Out, "aiotools run: no %s: running the built-in services only (watcher)\n", cfg.Config)
	}
	// The control socket first: a second run on the same socket fails
	// here, before it starts any command.
	lock, err := control.LockSocket(cfg.Socket, cfg.Name)
	if err != nil {
		return socketError(err)
	}
	defer lock.Release() // a no-op once the server has it
	var ringOpts []aiolog.Option
	if !cfg.Console {
		ringOpts = append(ringOpts, aiolog.WithCopy(slog.LevelInfo, echo))
	}
	errLog, errOpts := openErrorLog(cfg.ErrorLog, cfg.Out)
	ringOpts = append(ringOpts, errOpts...)
	ring := aiolog.New(cfg.LogBudget, ringOpts...)
	defer errLog.close(ring)
	logger := slog.New(ring.Handler(nil))
	g := aioctl.NewGroup(aioctl.WithGroupName(cfg.Name), aioctl.WithLogger(logger), aioctl.WithLogSource(ring))
	sched := aioschedule.New(g, aioschedule.WithLogger(logger))

	reg := aioservice.NewRegistry()
	// The watcher is there for the config to enable and tune ("watcher": {…}).
	reg.MustRegister(aioservice.NewWatcher().Service(aioservice.WatcherArgs{Restart: true}))
	m := aioservice.NewManager(g, reg, aioservice.WithConfigFile(cfg.Config),
		aioservice.WithScheduler(sched), aioservice.WithOutput(cfg.Out))
	if in, err := control.NewInterp(control.Components{Group: g, Log: ring, Scheduler: sched, Services: m}); err == nil {
		fleetServices(reg, in) // disabled unless the config says "mqtt": {"enabled": true, "args": {"broker": …}}
	}

	var stopErr error // shutdown.go: what did not stop
	stop := func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if stopErr = gracefulStop(stopCtx, cfg.Out, m, g); stopErr != nil {
			cancel() // reported: Close does not wait for them again
		}
		if err := m.Close(stopCtx); err != nil && stopErr == nil {
			fmt.Fprintln(cfg.Out, "stop services:", termsafe.Text(err.Error()))
		}
		sched.Close()
		if err := g.Close(stopCtx); err != nil && stopErr == nil {
			fmt.Fprintln(cfg.Out, "stop tasks:", termsafe.Text(err.Error()))
		}
		// What a service left behind without its scope mark (env -u,
		// setsid) was adopted by this subreaper: it ends here too.
		aioservice.KillDescendants()
	}
	if err := m.Up(ctx); err != nil {
		var ce *aioservice.ConfigError
		if errors.As(err, &ce) { // nothing runs on a config that does not parse
			stop()
			return err
		}
		fmt.Fprintln(cfg.Out, "boot:", termsafe.Text(err.Error())) // a service failed; the others run
	}
	in, err := control.NewInterp(control.Components{Group: g, Log: ring, Scheduler: sched, Services: m, ErrorLog: errLog.file()})
	if err != nil {
		stop()
		return err
	}
	mount, url, stopMetrics, err := startMetrics(in, cfg.MetricsAddr) // metrics.go
	if err != nil {
		stop()
		return err
	}
	defer stopMetrics(context.Background())
	ccfg := control.Config{Interp: in, Mount: mount, Lock: lock, Logger: logger}
	web, err := mountWeb(&ccfg, cfg.Web) // web.go
	if err != nil {
		stop()
		return err
	}
	srv, err := control.NewServer(ccfg)
	if err != nil {
		stop()
		return err
	}
	defer notifySystemd(ctx, cfg.Out, g, m, sched, !cfg.HUPEnds)() // systemd.go: READY=1 now, STOPPING=1 when ctx ends
	if url != "" {
		fmt.Fprintln(cfg.Out, "aiotools run: metrics at", url)
	}
	// As the demo's: a line each, so a long path does not push the
	// command past 80 columns.
	fmt.Fprintf(cfg.Out, "aiotools run: %s\ncontrol socket: %s\n  aioctl --socket %s status\n",
		cfg.Config, srv.SocketPath(), srv.SocketPath())
	if line := web(srv); line != "" {
		fmt.Fprintln(cfg.Out, line)
	}
	if cfg.Console {
		task := exampleTask(g) // its lines are what the log example follows
		fmt.Fprintln(cfg.Out, consoleBanner("aiotools run", task, strings.TrimSuffix(task, ".service")))
		flushEcho(echo) // the banner before the first answer, on a terminal
		if err := control.ConsoleStdio(ctx, answers, srv.Interp()); err != nil {
			fmt.Fprintln(cfg.Out, "console:", termsafe.Text(err.Error()))
		}
	} else {
		<-ctx.Done()
	}
	fmt.Fprintln(cfg.Out, "stopping…")
	srv.Close()
	stop()
	if stopErr != nil {
		return stopErr
	}
	fmt.Fprintln(cfg.Out, "all services stopped")
	return nil
}

// checkConfig refuses a config file that does not exist, naming it (and
// the missing file a symlink points to), unless it is the default path,
// which may be missing: missing says so.
func checkConfig(path string, isDefault bool) (missing bool, err error) {
	if path == "" { // -c "$UNSET"
		return false, errors.New(`-c "": empty path: give the config file's path (or no -c for ./services.config)`)
	}
	if err := aioservice.CheckRegular(path); err != nil {
		// A device would pass for an empty config, and the first edit
		// would replace it with a file.
		return false, &aioservice.ConfigError{File: path, Msg: err.Error(), Err: err}
	}
	_, err = os.Stat(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return false, nil // there, or unreadable: loading it says why
	}
	if target, lerr := os.Readlink(path); lerr == nil {
		return false, &aioservice.ConfigError{File: path, Msg: "a symlink to " + target + ", which does not exist", Err: err}
	}
	if !isDefault {
		return false, &aioservice.ConfigError{File: path, Msg: "config file does not exist", Err: err}
	}
	return true, nil
}
