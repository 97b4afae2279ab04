package aiosystemd

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/coreos/go-systemd/v22/daemon"
)

// Config says what Notify reports to systemd and how it judges health.
type Config struct {
	// Group is the group whose tasks STATUS counts (required).
	Group *aioctl.Group
	// Manager, when set, adds its enabled core services' main tasks to Critical.
	Manager *aioservice.Manager
	// Critical lists task names or '*' patterns whose crash loop stops the
	// watchdog pings.
	Critical []string
	// CrashLoop is what counts as a crash loop of a critical task: Failures
	// failures within Window (default 3 within 1 minute). A critical task
	// whose restart policy gave up counts too.
	CrashLoop CrashLoop
	// Scheduler, when set, is checked for being stuck: a schedule due more
	// than StuckAfter ago (default: the watchdog interval, at least 5s)
	// that it has not started.
	Scheduler  *aioschedule.Scheduler
	StuckAfter time.Duration
	// Checks are more health checks; an error stops the pings while it lasts.
	Checks []func(now time.Time) error
	// Reload, when set, runs on SIGHUP between RELOADING=1 and READY=1:
	// re-read the config there.
	Reload func(ctx context.Context) error
	// Clock is the time source of the pings; default the group's.
	Clock clock.Clock
	// Logger gets a line when the pings stop or resume, and reload errors;
	// default the group's.
	Logger *slog.Logger
}

// CrashLoop is Failures failures within Window.
type CrashLoop struct {
	Failures int
	Window   time.Duration
}

// Enabled reports whether the process runs under systemd's notify
// protocol: NOTIFY_SOCKET is set.
func Enabled() bool { return os.Getenv("NOTIFY_SOCKET") != "" }

// Notify tells systemd that the program is ready and keeps it informed,
// when NOTIFY_SOCKET is set (otherwise it does nothing and stop is a
// no-op). Call it once boot has finished (aioservice.Manager.Up returned:
// the core services are ready). It sends
//
//	READY=1                       at once
//	STATUS=12 running, 1 failed   at once and whenever the counts change
//	WATCHDOG=1                    every half of WATCHDOG_USEC, while healthy
//	RELOADING=1, then READY=1     around cfg.Reload on SIGHUP
//	STOPPING=1                    when ctx ends (shutdown begins)
//
// Healthy means: no critical task crash-loops (CrashLoop), the scheduler
// is not stuck, and every Check passes; while unhealthy the pings stop,
// so that systemd (WatchdogSec=) restarts the process, and STATUS says
// why. stop ends the notifier and waits for it; it sends STOPPING=1 if
// ctx has not ended. The error is that of the first datagram.
func Notify(ctx context.Context, cfg Config) (stop func(), err error) {
	if !Enabled() {
		return func() {}, nil
	}
	if cfg.Group == nil {
		return func() {}, errors.New("aiosystemd: Config.Group is required")
	}
	n := newNotifier(cfg)
	if cfg.Reload != nil {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		n.hup = hup
		n.unhup = func() { signal.Stop(hup) }
	}
	return n.start(ctx)
}

// notifier is one Notify.
type notifier struct {
	cfg      Config
	clk      clock.Clock
	log      *slog.Logger
	interval time.Duration // between pings; 0: no watchdog
	hup      <-chan os.Signal
	unhup    func()
	kick     chan struct{} // a task changed state

	mu       sync.Mutex
	critical map[string]*failRing
	patterns []string
}

func newNotifier(cfg Config) *notifier {
	if cfg.CrashLoop.Failures <= 0 {
		cfg.CrashLoop.Failures = 3
	}
	if cfg.CrashLoop.Window <= 0 {
		cfg.CrashLoop.Window = time.Minute
	}
	n := &notifier{cfg: cfg, clk: cfg.Clock, log: cfg.Logger, kick: make(chan struct{}, 1),
		critical: map[string]*failRing{}, patterns: cfg.Critical}
	if n.clk == nil {
		n.clk = cfg.Group.Clock()
	}
	if n.log == nil {
		n.log = cfg.Group.Logger()
	}
	if d, err := daemon.SdWatchdogEnabled(false); err == nil && d > 0 {
		n.interval = d / 2
	}
	if cfg.Manager != nil {
		for _, s := range cfg.Manager.List() {
			if s.Type == aioservice.Core && s.Enabled {
				n.patterns = append(n.patterns, aioservice.TaskName(s.Name))
			}
		}
	}
	return n
}

func (n *notifier) start(ctx context.Context) (func(), error) {
	if err := send(daemon.SdNotifyReady); err != nil {
		return func() {}, err
	}
	last := n.summary(n.clk.Now())
	send("STATUS=" + last)
	unwatch := n.cfg.Group.Watch(n.event)
	unready := n.cfg.Group.WatchReady(func(*aioctl.Task) { n.wake() }) // "starting" → "running"
	loopCtx, cancel := context.WithCancel(ctx)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		n.loop(loopCtx, last)
		send(daemon.SdNotifyStopping)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			unwatch()
			unready()
			if n.unhup != nil {
				n.unhup()
			}
			cancel()
			<-exited
		})
	}, nil
}

// send sends one state to NOTIFY_SOCKET.
func send(state string) error {
	_, err := daemon.SdNotify(false, state)
	return err
}

// event records failures of critical tasks and wakes the loop; it runs on
// the task's goroutine and does not block.
func (n *notifier) event(e aioctl.Event) {
	if e.Cause == aioctl.CauseExit && (e.To == aioctl.Error || e.To == aioctl.GaveUp ||
		e.To == aioctl.Restarting && e.Task != nil && e.Task.Err() != nil) && n.isCritical(e.Name) {
		n.mu.Lock()
		r := n.critical[e.Name]
		if r == nil {
			r = &failRing{at: make([]time.Time, n.cfg.CrashLoop.Failures)}
			n.critical[e.Name] = r
		}
		r.add(e.Time)
		n.mu.Unlock()
	}
	n.wake()
}

// wake tells the loop that the counts may have changed.
func (n *notifier) wake() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

func (n *notifier) isCritical(name string) bool {
	for _, p := range n.patterns {
		if aioctl.Match(p, name) {
			return true
		}
	}
	return false
}

func (n *notifier) loop(ctx context.Context, last string) {
	var tick <-chan time.Time
	var timer clock.Timer
	if n.interval > 0 {
		timer = n.clk.NewTimer(n.interval)
		defer timer.Stop()
		tick = timer.C()
	}
	paused := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.kick:
		case <-tick:
			now := n.clk.Now()
			if err := n.health(now); err != nil {
				if paused == "" {
					n.log.Error("systemd watchdog: pings stopped: " + err.Error())
				}
				paused = err.Error()
			} else {
				if paused != "" {
					n.log.Info("systemd watchdog: pings resumed")
				}
				paused = ""
				send(daemon.SdNotifyWatchdog)
			}
			timer.Reset(n.interval)
		case <-n.hup:
			send(daemon.SdNotifyReloading + "\n" + daemon.SdNotifyMonotonicUsec())
			if err := n.cfg.Reload(ctx); err != nil {
				n.log.Error("reload: " + err.Error())
			}
			send(daemon.SdNotifyReady)
			last = "" // STATUS again after READY
		}
		s := n.summary(n.clk.Now())
		if paused != "" {
			s += "; watchdog paused: " + paused
		}
		if s != last {
			send("STATUS=" + oneLine(s))
			last = s
		}
	}
}

// summary counts the group's tasks: "12 running, 1 starting, 2 restarting, 1 failed".
func (n *notifier) summary(time.Time) string {
	ts, _ := n.cfg.Group.Find()
	var running, starting, restarting, failed int
	for _, t := range ts {
		switch t.State() {
		case aioctl.Running:
			if t.DeclaresReadiness() && !t.IsReady() {
				starting++
			} else {
				running++
			}
		case aioctl.Restarting:
			restarting++
		case aioctl.Error, aioctl.GaveUp:
			failed++
		}
	}
	b := strconv.Itoa(running) + " running"
	for _, c := range [...]struct {
		n    int
		word string
	}{{starting, " starting"}, {restarting, " restarting"}, {failed, " failed"}} {
		if c.n > 0 {
			b += ", " + strconv.Itoa(c.n) + c.word
		}
	}
	return b
}

// health returns why the program is not healthy at now, or nil.
func (n *notifier) health(now time.Time) error {
	n.mu.Lock()
	for name, r := range n.critical {
		if r.looping(now, n.cfg.CrashLoop.Window) {
			n.mu.Unlock()
			return errors.New(name + " crash-loops (" + strconv.Itoa(n.cfg.CrashLoop.Failures) +
				" failures within " + n.cfg.CrashLoop.Window.String() + ")")
		}
	}
	n.mu.Unlock()
	if len(n.patterns) > 0 {
		ts, _ := n.cfg.Group.Find(n.patterns...)
		for _, t := range ts {
			if t.State() == aioctl.GaveUp {
				return errors.New(t.Name() + " gave up restarting")
			}
		}
	}
	if s := n.cfg.Scheduler; s != nil {
		grace := n.cfg.StuckAfter
		if grace <= 0 {
			grace = max(2*n.interval, 5*time.Second)
		}
		for _, e := range s.List() {
			if !e.Next.IsZero() && !e.Paused && now.Sub(e.Next) > grace {
				if t, ok := n.cfg.Group.Get(e.Task); ok && t.State().Active() {
					continue // still running: the schedule skips, it is not stuck
				}
				return errors.New("scheduler stuck: " + e.Task + " due " + now.Sub(e.Next).Round(time.Second).String() + " ago")
			}
		}
	}
	for _, c := range n.cfg.Checks {
		if err := c(now); err != nil {
			return err
		}
	}
	return nil
}

// failRing holds the times of a task's last failures, in a fixed array.
type failRing struct {
	at   []time.Time
	next int
	n    int
}

func (r *failRing) add(t time.Time) {
	r.at[r.next] = t
	r.next = (r.next + 1) % len(r.at)
	if r.n < len(r.at) {
		r.n++
	}
}

// looping reports whether all of the last len(at) failures are within window of now.
func (r *failRing) looping(now time.Time, window time.Duration) bool {
	return r.n == len(r.at) && now.Sub(r.at[r.next]) < window // at[next] is the oldest
}

// oneLine keeps a STATUS value on one line: the protocol is line-based.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
