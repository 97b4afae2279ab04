package top

import (
	"context"
	"errors"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
)

// The verbs top runs, by name: each is checked against the verb table
// (TestVerbsAreInTheTable), so a renamed verb fails a test, not a user.
const (
	verbStatus  = "status"
	verbStats   = "stats"
	verbWatch   = "watch"
	verbFollow  = "follow"
	verbStart   = "start"
	verbStop    = "stop"
	verbRestart = "restart"
)

// Snapshot is what a Source knows of one device (one program) at a time.
type Snapshot struct {
	// Key identifies the device for as long as top runs (a fleet
	// device's id); empty means Device.
	Key string
	// Device names the device (the local program: its host name).
	Device string
	// Online is false when the device cannot be reached; Err says why.
	Online bool
	Err    string
	// Seen is when the device last answered.
	Seen time.Time
	// Stats is the device's stats document (nil until the first answer).
	Stats *api.Stats
	// Tasks is its status snapshot (status -o json, no log lines).
	Tasks []api.TaskStatus
}

// Source is where top's data comes from and where its commands go: the
// local program (Local), or a fleet of devices. Updates are pushed, so
// the screen changes when the device does, not on a poll.
type Source interface {
	// Name says what is watched, for the title line.
	Name() string
	// Run sends a Snapshot of a device on updates each time it changed,
	// until ctx ends (then it returns nil).
	Run(ctx context.Context, updates chan<- Snapshot) error
	// Exec runs one verb on a device.
	Exec(ctx context.Context, device string, argv []string, opt api.Options) (*api.Response, error)
	// Stream runs a streaming verb (follow) on a device until ctx ends.
	Stream(ctx context.Context, device string, argv []string, fn func(api.Event) error) error
}

// Local is the Source of one program, through its control client.
type Local struct {
	Client *client.Client
	// Where names the socket or address, for the title.
	Where string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// StatsEvery is how often the figures that change with no event
	// (memory, uptime, disk) are refreshed while no task changes state
	// (0: 5 s).
	StatsEvery time.Duration
}

// Name implements Source.
func (l *Local) Name() string { return l.Where }

func (l *Local) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Exec implements Source: device is the one program.
func (l *Local) Exec(ctx context.Context, _ string, argv []string, opt api.Options) (*api.Response, error) {
	return l.Client.Exec(ctx, argv, opt)
}

// Stream implements Source.
func (l *Local) Stream(ctx context.Context, _ string, argv []string, fn func(api.Event) error) error {
	return l.Client.Stream(ctx, argv, fn)
}

// Run implements Source: it follows the program's watch stream, and
// after each burst of changes (or every StatsEvery) takes a status and
// stats snapshot. When the program goes away the device shows offline
// and Run reconnects with a growing pause (up to 5 s).
func (l *Local) Run(ctx context.Context, updates chan<- Snapshot) error {
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default: // a snapshot is already due: it will include this change
		}
	}
	go l.watch(ctx, poke)
	poke()
	every := l.StatsEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var last Snapshot
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-kick:
		case <-tick.C:
		}
		s := l.snapshot(ctx, last)
		if ctx.Err() != nil {
			return nil
		}
		last = s
		select {
		case updates <- s:
		case <-ctx.Done():
			return nil
		}
	}
}

// watch follows the watch stream, poking for each event, and reconnects
// (poking too, so that the screen says offline or back) when it ends.
func (l *Local) watch(ctx context.Context, poke func()) {
	// Not under bubbletea's recover: a panic here ends the watch, not
	// the process with the terminal raw (the stats refreshes go on).
	defer func() { recover() }()
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := l.Client.Stream(ctx, []string{verbWatch}, func(api.Event) error {
			pause = 100 * time.Millisecond
			poke()
			return nil
		})
		if ctx.Err() != nil {
			return
		}
		poke()
		var ae *api.Error
		if errors.As(err, &ae) && ae.Code == api.CodeUnknownVerb {
			// An older program without watch: its stats refreshes still come.
			return
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// snapshot asks for the status and the stats; prev keeps what was known
// when the program does not answer.
func (l *Local) snapshot(ctx context.Context, prev Snapshot) Snapshot {
	s := prev
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var st api.Stats
	err := l.Client.Data(cctx, &st, verbStats)
	if err != nil {
		s.Key, s.Online, s.Err = "local", false, err.Error()
		if s.Device == "" {
			s.Device = l.Where
		}
		return s
	}
	var sts []api.TaskStatus
	err = l.Client.Data(cctx, &sts, verbStatus, "--lines", "0")
	var ae *api.Error
	if err != nil && !(errors.As(err, &ae) && ae.Code == api.CodeNotFound) {
		s.Online, s.Err = false, err.Error()
		return s
	}
	s.Key, s.Device, s.Online, s.Err, s.Seen = "local", st.Host, true, "", l.now()
	if s.Device == "" {
		s.Device = l.Where
	}
	s.Stats, s.Tasks = &st, sts
	return s
}
