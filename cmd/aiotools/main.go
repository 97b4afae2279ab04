// Command aiotools runs programs built on aiotools. `aiotools demo` is the
// README's main job: example tasks, a ring log, schedules, services and a
// control socket on embedded defaults, with their status printed every few
// seconds until Ctrl-C. `aiotools run -c FILE` runs the services a config
// file declares (external commands, schedules, the watcher), steerable with
// aioctl: services "installed" without writing Go.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/aiosystemd"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/termsafe"
	"golang.org/x/term"
)

func main() {
	// A write to a stdout whose reader is gone (`aiotools run | tee log`,
	// then Ctrl-C) must fail with EPIPE, which ends the echo, rather than
	// kill the program mid-shutdown with SIGPIPE. Notify, not Ignore: an
	// ignored signal stays ignored in the exec services' commands.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if len(os.Args) > 1 && (os.Args[1] == "run" || os.Args[1] == "demo") {
		// The exec services' processes end with this one, however it ends
		// (kill -9 included), setsid'd grandchildren too.
		if err := aioservice.Subreaper(); err != nil {
			fmt.Fprintln(os.Stderr, "aiotools: warning: exec services may outlive aiotools:", err)
		}
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "aiotools:", termsafe.Text(err.Error()))
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake on the command line (a bad flag or value, an
// unknown command): exit status 2, as aioctl's usage errors, so a script
// can tell it from a failure of the program (1).
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// exitCode is the exit status for run's error: 2 for a usage error, else 1.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// parseFlags parses a command's flags. -h prints every flag and is no
// failure (help); a bad flag is a usageError that names it and says how to
// list them, without the whole list (which buried the message).
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard) // flag would print the error and the list itself
	fs.Usage = func() {}
	err = fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "usage of aiotools %s:\n", fs.Name())
		fs.PrintDefaults()
		return true, nil
	}
	if err != nil {
		return false, usageError{fmt.Errorf("%s: %w (aiotools %s -h lists the flags)", fs.Name(), err, fs.Name())}
	}
	return false, nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: aiotools demo [-every 5s] [-for 0] [-debug] [-follow [GREP] | -console] [-socket PATH] [-name aiotools-demo] [-metrics ADDR] [-web ADDR]
       aiotools run [-c services.config] [-console] [-socket PATH] [-name aiotools] [-log-budget BYTES] [-metrics ADDR] [-web ADDR]
       aiotools demo -fleet N [-broker URL] [-for 0]   N simulated devices on MQTT (aioctl --broker URL fleet ls)
       aiotools broker [-listen 127.0.0.1:1883]   the embedded MQTT broker

  demo   run the example tasks and print their status every few seconds
         until Ctrl-C (or until -for has passed); -follow prints the log
         as it is written instead (tail -F, filtered by GREP); -console
         reads commands from stdin instead (the in-program console)
  run    run the services a config file declares (exec services, schedules,
         the watcher) with a RAM log echoed to stdout and a control socket,
         until SIGINT or SIGTERM; -console reads commands from stdin
         (and echoes no log: the console's log and log -f show it)

  The console (-console) takes aioctl's verbs, with line editing and
  completion as in aioctl shell when stdin is a terminal; "exit", Ctrl-D
  or the end of the input stops the program. Without a terminal (a pipe,
  a script) stdout has the answers alone: the boot lines, the banner and
  the shutdown go to stderr.

  Fleet mode (-fleet N, 1 to 1000) takes -broker and -for only: its devices
  have no console, status screen or socket of their own; aioctl --broker
  URL --device 'demo-*' VERB steers them.

  Both stop the services in the reverse of their boot order, then the
  other tasks, each within its stop timeout; a task that does not stop
  (or an exec service's command killed with SIGKILL) is named, and the
  exit status is then 1. Exit status: 0 stopped cleanly, 1 a failure (a
  bad config, a task that did not stop), 2 a usage error (a bad flag or
  value, an unknown command, refused before anything starts), as aioctl's.

  Both open a control socket for aioctl: -socket PATH (default $AIOTOOLS_SOCKET,
  else NAME.sock in $XDG_RUNTIME_DIR/aiotools or a private directory of yours);
  two programs cannot share one: give the second another -socket or -name.
  The socket also answers GET /stats and GET /metrics (Prometheus);
  -metrics 127.0.0.1:9464 serves the metrics on a loopback port for a scraper.
  The web dashboard (-web ADDR, loopback): demo serves it by default, run with
  -web 127.0.0.1:8080; both print "dashboard: URL" to open (-web off: none).
  Error log: lines at -error-level (default ERROR) are copied to -error-log FILE
  (run: error.log beside the config; demo: off), rotated at -error-log-size to
  FILE.1, created with mode 0600 (logs can hold secrets); aioctl errlog
  prints it. "aiotools demo -h" lists every flag.
`)
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return usageError{errors.New("no command given")}
	}
	switch args[0] {
	case "demo":
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		fs.SetOutput(stderr)
		every := fs.Duration("every", 5*time.Second, "how often to print the status (at least 100ms)")
		limit := fs.Duration("for", 0, "stop after this long (0: run until Ctrl-C)")
		debug := fs.Bool("debug", false, "print status in debug mode")
		follow := fs.Bool("follow", false, "instead of status, follow the log (tail -F), filtered by an optional grep pattern argument")
		socket := fs.String("socket", os.Getenv("AIOTOOLS_SOCKET"), "control socket path (env AIOTOOLS_SOCKET; default: NAME.sock under $XDG_RUNTIME_DIR or a private directory)")
		name := fs.String("name", "aiotools-demo", "program name, used in the default socket path")
		console := fs.Bool("console", false, "instead of status, read commands from stdin (the in-program console; not with -fleet)")
		web := fs.String("web", demoWebDefault, webUsage)
		errLog := errorLogFlags(fs, "", "default: off")
		metrics := fs.String("metrics", "", metricsFlagUsage)
		fleetN := fs.Int("fleet", 0, "instead, run N (1 to 1000) simulated devices demo-1…demo-N on MQTT (fleet mode; an embedded broker unless -broker); only -broker and -for go with it: no console, aioctl --broker URL --device ID steers a device")
		brokerURL := fs.String("broker", "", "with -fleet: the broker's URL (default: an embedded one on a free loopback port)")
		if help, err := parseFlags(fs, args[1:]); help || err != nil {
			return err // -h: the flags are printed, which is not a failure
		}
		// flagcheck.go: every value is checked before anything starts.
		elc, err := errLog()
		err = cmp.Or(checkDemoFlags(*every, *limit, *follow, *console, fs.Args()), checkFleetFlags(fs, *fleetN, *console), checkServeFlags(*web, *metrics), err)
		if err != nil {
			return flagError("demo", err)
		}
		sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
		if !aiosystemd.Enabled() { // under systemd, SIGHUP reloads (systemd.go)
			sigs = append(sigs, syscall.SIGHUP) // its terminal closed: stop as at Ctrl-C
		}
		ctx, stop := signal.NotifyContext(context.Background(), sigs...)
		defer stop()
		if *limit > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *limit)
			defer cancel()
		}
		if *fleetN > 0 {
			return runFleetDemo(ctx, *fleetN, *brokerURL, stdout)
		}
		cfg := demoConfig{Every: *every, Debug: *debug, Out: stdout, Color: wantColor(stdout, os.Getenv), Size: terminalSize(stdout), Socket: *socket, Name: *name, Console: *console, ErrorLog: elc, MetricsAddr: *metrics, Web: *web}
		if *follow {
			cfg.Follow, cfg.Grep = true, fs.Arg(0)
		}
		if *console { // console.go: answers alone on a piped stdout
			cfg.Answers, cfg.Out = consoleWriters(stdout, stderr)
		}
		return runDemo(ctx, cfg)
	case "run":
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		fs.SetOutput(stderr)
		config := fs.String("c", "services.config", "the services config file to run")
		socket := fs.String("socket", os.Getenv("AIOTOOLS_SOCKET"), "control socket path (env AIOTOOLS_SOCKET; default: NAME.sock under $XDG_RUNTIME_DIR or a private directory)")
		name := fs.String("name", "aiotools", "program name, used in the default socket path")
		budget := fs.Int("log-budget", 256<<10, "bytes of RAM log (256 to 2147483647)")
		console := fs.Bool("console", false, "read commands from stdin (the in-program console) and echo no log")
		web := fs.String("web", "", webUsage)
		errLog := errorLogFlags(fs, "", "default: error.log beside the config")
		metrics := fs.String("metrics", "", metricsFlagUsage)
		if help, err := parseFlags(fs, args[1:]); help || err != nil {
			return err
		}
		if fs.NArg() > 0 { // "aiotools run my.config" once ran the default config instead
			return usageError{fmt.Errorf("aiotools run: unexpected argument %s: name the config with -c FILE", strconv.Quote(termsafe.String(fs.Arg(0))))}
		}
		elc, err := errLog()
		if err = cmp.Or(checkLogBudget(*budget), checkServeFlags(*web, *metrics), err); err != nil {
			return flagError("run", err) // flagcheck.go: before anything starts
		}
		if elc.File == "" {
			elc.File = besideConfig(*config)
		}
		sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
		hupEnds := hupEndsRun(aiosystemd.Enabled(), term.IsTerminal(int(os.Stdin.Fd())))
		if hupEnds {
			sigs = append(sigs, syscall.SIGHUP) // its terminal closed: stop as at Ctrl-C
		}
		ctx, stop := signal.NotifyContext(context.Background(), sigs...)
		defer stop()
		given := false // -c named a file, which must then exist
		fs.Visit(func(f *flag.Flag) { given = given || f.Name == "c" })
		rc := runConfig{HUPEnds: hupEnds, Config: *config, Default: !given, Socket: *socket, Name: *name, LogBudget: *budget, Out: stdout, Console: *console, ErrorLog: elc, MetricsAddr: *metrics, Web: *web}
		if *console { // console.go: answers alone on a piped stdout
			rc.Answers, rc.Out = consoleWriters(stdout, stderr)
		}
		return runServices(ctx, rc)
	case "broker":
		return runBroker(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return usageError{fmt.Errorf("unknown command %q", args[0])}
}

// minEvery is the shortest status period -every accepts: shorter ones
// only flood the terminal and the log (-every 1ns wrote 1.8 M lines in 3 s).
const minEvery = 100 * time.Millisecond

// demoConfig is what the demo's command line sets.
type demoConfig struct {
	Every time.Duration
	Debug bool
	// Color paints the state dots (a terminal without $NO_COLOR).
	Color bool
	// Size is the terminal's size when Out is one (nil when it is not): each
	// status round then redraws the screen in place, and the separator
	// fits its width. Otherwise rounds follow one another, each after a
	// header line.
	Size   func() (width, height int, ok bool)
	Follow bool   // follow the log instead of printing status
	Grep   string // the follow filter
	// Console reads commands from stdin instead of printing status.
	Console bool
	// Answers is where the console's answers go (nil: Out); Out then has
	// the rest (consoleWriters).
	Answers io.Writer
	Socket  string // control socket path ("" = the default for Name)
	Name    string // program name in the default socket path ("" = aiotools-demo)
	Web     string // the dashboard's TCP address ("" = none; web.go)
	Out     io.Writer
	// ErrorLog is --error-log and its flags (errorlog.go); off by default.
	ErrorLog errorLogConfig
	// MetricsAddr, when set, also serves Prometheus metrics there (-metrics).
	MetricsAddr string
}

// demo is the state the demo's parts share. Each part lives in a file of
// its own (demo_*.go) and registers a setup function with registerDemo.
type demo struct {
	cfg    demoConfig
	group  *aioctl.Group
	logger *slog.Logger
	// ring is the demo's RAM log: every task logs into it (see demo_log.go).
	ring *aiolog.Ring
	// errorLog is where the ring copies its error lines (nil: none).
	errorLog *errorLog
	// sched and services are set by their parts; the control socket serves them.
	sched    *aioschedule.Scheduler
	services *aioservice.Manager
	// lock is the control socket, taken before anything starts.
	lock *control.SocketLock
	// socket is the control socket's path, once the server listens.
	socket string
	// interp runs the console's commands, once the server is there.
	interp *control.Interp
	// neopixel is the simulated LED strip (demo_neopixel.go).
	neopixel *neopixelDemo
	// help collects the lines the banner prints ("try: …").
	help []string
	// cleanup runs in reverse order when the demo ends.
	cleanup []func(context.Context) error
}

type demoPart struct {
	order int
	name  string
	setup func(ctx context.Context, d *demo) error
}

var demoParts []demoPart

// registerDemo adds a part to the demo; parts set up in ascending order.
func registerDemo(order int, name string, setup func(ctx context.Context, d *demo) error) {
	demoParts = append(demoParts, demoPart{order, name, setup})
}

func runDemo(ctx context.Context, cfg demoConfig) (err error) {
	// The control socket first: a second demo on the same socket fails
	// here, before it starts any task.
	lock, err := control.LockSocket(cmp.Or(cfg.Socket, demoControlSocket), cmp.Or(cfg.Name, "aiotools-demo"))
	if err != nil {
		return socketError(err)
	}
	defer lock.Release() // a no-op once the server has it
	echo := newEcho(cfg.Out)
	defer flushEcho(echo)
	answers, own := answersEcho(cfg.Answers, cfg.Out, echo) // console.go
	if own {
		defer flushEcho(answers)
	}
	cfg.Out = echo
	d := &demo{
		lock:   lock,
		cfg:    cfg,
		group:  aioctl.NewGroup(aioctl.WithGroupName("demo")),
		logger: slog.New(slog.NewTextHandler(cfg.Out, nil)),
	}
	d.group.SetLogger(d.logger)
	d.group.SetDebug(cfg.Debug)
	parts := append([]demoPart(nil), demoParts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].order < parts[j].order })
	defer func() {
		// As `aiotools run` stops (shutdown.go): the services in the reverse
		// of their boot order, then the other tasks, each within its stop
		// timeout; what did not stop is named and makes the exit status 1.
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		stopErr := gracefulStop(stopCtx, cfg.Out, d.services, d.group)
		if stopErr != nil {
			cancel() // reported: the cleanups do not wait for them again
		}
		for i := len(d.cleanup) - 1; i >= 0; i-- {
			if err := d.cleanup[i](stopCtx); err != nil && stopErr == nil {
				fmt.Fprintln(cfg.Out, "cleanup:", termsafe.Text(err.Error()))
			}
		}
		if err := d.group.Close(stopCtx); err != nil && stopErr == nil {
			fmt.Fprintln(cfg.Out, "stop:", termsafe.Text(err.Error()))
		}
		aioservice.KillDescendants() // what an exec service left without its scope mark
		if stopErr != nil {
			err = cmp.Or(err, stopErr)
			return
		}
		fmt.Fprintln(cfg.Out, "all tasks stopped")
	}()
	for _, p := range parts {
		if err := p.setup(ctx, d); err != nil {
			return fmt.Errorf("demo %s: %w", p.name, err)
		}
	}
	if cfg.Follow {
		fmt.Fprintf(cfg.Out, "aiotools demo: following the log (grep %q) - Ctrl-C stops it\n", cfg.Grep)
		err := d.ring.FollowTo(ctx, cfg.Out, aiolog.Query{Grep: cfg.Grep, Tail: -1})
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if cfg.Console {
		io.WriteString(cfg.Out, wrapAll("  ", d.help...)) // wrap.go: 80 columns
		fmt.Fprintln(cfg.Out, consoleBanner("aiotools demo", "blink", "LED"))
		flushEcho(echo) // the banner before the first answer, on a terminal
		return control.ConsoleStdio(ctx, answers, d.interp)
	}
	fmt.Fprintln(cfg.Out, "aiotools demo: status every", cfg.Every, "- Ctrl-C stops it")
	io.WriteString(cfg.Out, wrapAll("  ", d.help...)) // wrap.go: 80 columns
	tick := time.NewTicker(cfg.Every)
	defer tick.Stop()
	// On a terminal the first round waits a period, so that the banner
	// above can be read before the status takes the screen.
	wait := cfg.Size != nil
	for {
		if !wait {
			d.printStatus(time.Now())
		}
		wait = false
		select {
		case <-ctx.Done():
			if d.neopixel != nil {
				d.neopixel.release() // its row is the shutdown's now
			}
			fmt.Fprintln(cfg.Out, "\nstopping…")
			return nil
		case <-tick.C:
		}
	}
}

// socketError adds to an error about a taken control socket how to
// choose another.
func socketError(err error) error {
	if errors.Is(err, control.ErrSocketTaken) {
		return fmt.Errorf("%w\n  another program uses it: give this one another with -socket PATH or -name NAME (or $AIOTOOLS_SOCKET=PATH)", err)
	}
	return err
}

// wantColor says whether to paint the status: only on a terminal, and
// not when $NO_COLOR is set to anything (https://no-color.org).
func wantColor(w io.Writer, getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && terminalSize(w) != nil
}

// terminalSize returns a function reading the size of w's terminal (it
// may change between rounds), or nil when w is not a terminal.
func terminalSize(w io.Writer) func() (width, height int, ok bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func() (int, int, bool) {
		width, height, err := term.GetSize(int(f.Fd()))
		return width, height, err == nil
	}
}
