package control

// The interpreter: Exec and Stream run a call that parse.go built, and
// make what comes back safe for a terminal.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Components are the parts of a program the interpreter drives. Group is
// required; a verb whose component is nil answers CodeNotAvailable.
type Components struct {
	// Group holds the tasks that status, start, stop… act on.
	Group *aioctl.Group
	// Log is the ring log that log and follow read.
	Log *aiolog.Ring
	// Scheduler is what schedule list and schedule next show.
	Scheduler *aioschedule.Scheduler
	// Services is the service manager the services verbs and boot order drive.
	Services *aioservice.Manager
	// ErrorLog is the file the ring copies its error lines to (WithCopy),
	// which errlog prints; nil when the program keeps none.
	ErrorLog *aiolog.RotatingFile
}

// Interp is the one command interpreter: every front end (the socket, the
// aioctl shell, the in-program console) turns a command into a call of
// Exec or Stream. It is safe for concurrent use.
type Interp struct {
	c    Components
	obs  observers // ObserveRequests (observe.go)
	user userVerbs // Register (userverbs.go)

	newMu sync.Mutex // clone and add: from the NAME check to the add (newtasks.go)
}

// NewInterp returns an interpreter over the components; c.Group is required.
// With both Services and Log, it makes the services' "log_level" set their
// tasks' levels in the ring (aioservice.Manager.SetLogLevelFunc).
func NewInterp(c Components) (*Interp, error) {
	if c.Group == nil {
		return nil, errors.New("control: Components.Group is required")
	}
	if c.Services != nil && c.Log != nil {
		// A service's "log_level" sets its task's level in the ring.
		levels := c.Log.Levels()
		c.Services.SetLogLevelFunc(func(task, word string) error {
			l, err := aiolog.ParseLevel(word)
			if err != nil {
				return err
			}
			return levels.Set(task, l)
		})
	}
	return &Interp{c: c}, nil
}

// Components returns what the interpreter drives.
func (in *Interp) Components() Components { return in.c }

// Options says how a result is wanted (api.Options).
type Options = api.Options

// Result is what a verb returns.
type Result struct {
	// Verb is the verb's full name ("status", "set args").
	Verb string
	// Data is the JSON-ready result (filled with Options.JSON).
	Data any
	// Text is the result as printed (filled without Options.JSON).
	Text string
	// Exit is the exit status a CLI should use: systemctl's codes for status
	// and is-active (0 active, 3 not active, 4 no such task), 0 or 1 for others.
	Exit int
	// Err is what went wrong, if anything; Data and Text may still hold the
	// part that worked (status of the tasks that were found).
	Err *Error
}

// Exit codes, as systemctl uses them (see api.SystemctlExits).
const (
	ExitOK        = api.ExitOK
	ExitFailure   = api.ExitFailure
	ExitNotActive = api.ExitNotActive
	ExitNoSuch    = api.ExitNoSuch
)

// Event is one item of a stream (api.Event).
type Event = api.Event

// Exec runs one command given as words (as Split returns them).
//
// Whatever a verb prints is safe for a terminal: each verb escapes the
// values it prints (task names, results, errors, service info) by the
// rule aiolog escapes its lines with, and Exec escapes Result.Text and
// the error message once more as a whole (keeping newlines, tabs and,
// with Options.Color, the colour sequences), so that a verb that forgot
// one value still cannot drive the reader's terminal.
func (in *Interp) Exec(ctx context.Context, argv []string, opt Options) *Result {
	start := in.obs.begin()
	res := safeResult(in.exec(ctx, argv, opt), opt.Color)
	in.obs.observed(start, res.Verb, res.Err, false)
	return res
}

// safeResult escapes r's text and error message for the terminal.
func safeResult(r *Result, color bool) *Result {
	if color {
		r.Text = termsafe.ColorText(r.Text)
	} else {
		r.Text = termsafe.Text(r.Text)
	}
	if r.Err != nil {
		// A copy: the *Error may be shared (a sentinel, a component's value).
		r.Err = &Error{Code: r.Err.Code, Message: termsafe.String(r.Err.Message)}
	}
	return r
}

func (in *Interp) exec(ctx context.Context, argv []string, opt Options) *Result {
	c, err := in.parse(argv)
	if err != nil {
		return fail(argv, err)
	}
	c.opt = opt
	if c.streams() {
		return &Result{Verb: c.verb.Name, Exit: ExitFailure, Err: errorf(CodeStreamOnly, c.verb.Name+" streams its output: use the stream endpoint (aioctl does)")}
	}
	res, err := in.run(ctx, c)
	if res == nil {
		res = &Result{}
	}
	res.Verb = c.verb.Name
	if err != nil {
		res.Err = asError(err)
		if res.Err.Code == CodeNotFound {
			res.Err = &Error{Code: CodeNotFound, Message: res.Err.Message + in.didYouMean(c)}
		}
		if res.Exit == 0 {
			res.Exit = api.ExitFor(res.Err.Code)
		}
	}
	return res
}

// didYouMean is the names close to the arguments of c that name no task
// (or service), for a not_found message: ": did you mean blink?", or
// "; blnk: did you mean blink?; …" for several; "" when none is close.
func (in *Interp) didYouMean(c *call) string {
	var names []string
	switch c.verb.Names {
	case api.TaskNames:
		names = in.c.Group.Names()
	case api.ServiceNames:
		names = in.serviceNames()
	default:
		return ""
	}
	var hints []string
	for _, a := range c.args {
		if s := api.DidYouMean(api.Suggest(a, names), esc); s != "" && !strings.Contains(a, "*") {
			hints = append(hints, esc(a)+":"+s)
		}
	}
	switch len(hints) {
	case 0:
		return ""
	case 1:
		_, s, _ := strings.Cut(hints[0], ":")
		return ":" + s
	}
	return "; " + strings.Join(hints, "; ")
}

// ExecLine parses a command line with ParseLine and runs it.
func (in *Interp) ExecLine(ctx context.Context, line string, opt Options) *Result {
	argv, err := ParseLine(line)
	if err != nil {
		return fail(nil, err)
	}
	return in.Exec(ctx, argv, opt)
}

func fail(argv []string, err error) *Result {
	r := &Result{Err: asError(err)}
	r.Exit = api.ExitFor(r.Err.Code)
	if len(argv) > 0 {
		r.Verb = argv[0]
	}
	return r
}

// IsStream reports whether the command streams (follow, log -f): front
// ends then call Stream instead of Exec. A command that does not parse is
// not a stream (Exec reports its error).
func (in *Interp) IsStream(argv []string) bool {
	c, err := in.parse(argv)
	return err == nil && c.streams()
}

// Stream runs a streaming command, calling fn for each event until ctx
// ends (it then returns nil) or fn returns an error. Errors before the
// first event (bad arguments, missing component) are *Error.
func (in *Interp) Stream(ctx context.Context, argv []string, fn func(Event) error) (err error) {
	start, verb := in.obs.begin(), ""
	defer func() { in.obs.observed(start, verb, asErrorOrNil(err), true) }()
	c, err := in.parse(argv)
	if err != nil {
		return safeError(err)
	}
	verb = c.verb.Name
	if !c.streams() {
		return errorf(CodeNotStream, c.verb.Name+" does not stream: use Exec")
	}
	err = in.runStream(ctx, c, func(e Event) error {
		// Log lines are stored escaped; this keeps any other source safe too.
		e.Text, e.Task, e.Level = termsafe.String(e.Text), termsafe.String(e.Task), termsafe.String(e.Level)
		return fn(e)
	})
	if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err())) {
		return nil
	}
	return safeError(err)
}

// safeError is err as an *Error whose message is escaped for the terminal.
func safeError(err error) error {
	if err == nil {
		return nil
	}
	e := asError(err)
	return &Error{Code: e.Code, Message: termsafe.String(e.Message)}
}

// run calls the verb, turning a panic in it (a bug in a component) into
// an internal error: a command never takes the program down.
func (in *Interp) run(ctx context.Context, c *call) (res *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, errorf(CodeInternal, fmt.Sprintf("%s: panic: %v", c.verb.Name, v))
		}
	}()
	if c.impl.run == nil {
		return nil, errorf(CodeStreamOnly, c.verb.Name+" streams its output: use the stream endpoint")
	}
	return c.impl.run(ctx, in, c)
}

func (in *Interp) runStream(ctx context.Context, c *call, fn func(Event) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = errorf(CodeInternal, fmt.Sprintf("%s: panic: %v", c.verb.Name, v))
		}
	}()
	if c.impl.stream == nil {
		return errorf(CodeNotStream, c.verb.Name+" does not stream: use Exec")
	}
	return c.impl.stream(ctx, in, c, fn)
}
