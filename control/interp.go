package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/aioservice"
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
}

// Interp is the one command interpreter: every front end (the socket, the
// aioctl shell, the in-program console) turns a command into a call of
// Exec or Stream. It is safe for concurrent use.
type Interp struct {
	c Components
}

// NewInterp returns an interpreter over the components; c.Group is required.
func NewInterp(c Components) (*Interp, error) {
	if c.Group == nil {
		return nil, errors.New("control: Components.Group is required")
	}
	return &Interp{c: c}, nil
}

// Components returns what the interpreter drives.
func (in *Interp) Components() Components { return in.c }

// Options says how a result is wanted.
type Options struct {
	// JSON asks for Result.Data only; otherwise Result.Text is filled.
	JSON bool
	// Color paints the text (set it only for a terminal).
	Color bool
}

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

// Exit codes, as systemctl uses them.
const (
	ExitOK        = 0
	ExitFailure   = 1
	ExitNotActive = 3
	ExitNoSuch    = 4
)

// Event is one item of a stream (follow): a log line, or a notice that
// Lost lines were overwritten before the reader got them.
type Event struct {
	Seq   uint64 `json:"seq,omitempty"`
	Text  string `json:"text"`
	Task  string `json:"task,omitempty"`
	Level string `json:"level,omitempty"`
	Lost  uint64 `json:"lost,omitempty"`
}

// call is one parsed command.
type call struct {
	verb  *Verb
	args  []string
	flags map[string]string
	opt   Options
}

func (c *call) flag(name string) (string, bool) {
	v, ok := c.flags[name]
	return v, ok
}

func (c *call) has(name string) bool { _, ok := c.flags[name]; return ok }

// Exec runs one command given as words (as Split returns them).
//
// Whatever a verb prints is safe for a terminal: each verb escapes the
// values it prints (task names, results, errors, service info) by the
// rule aiolog escapes its lines with, and Exec escapes Result.Text and
// the error message once more as a whole (keeping newlines, tabs and,
// with Options.Color, the colour sequences), so that a verb that forgot
// one value still cannot drive the reader's terminal.
func (in *Interp) Exec(ctx context.Context, argv []string, opt Options) *Result {
	return safeResult(in.exec(ctx, argv, opt), opt.Color)
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
	if c.verb.streams(c) {
		return &Result{Verb: c.verb.Name, Exit: ExitFailure, Err: errorf(CodeStreamOnly, c.verb.Name+" streams its output: use the stream endpoint (aioctl does)")}
	}
	res, err := in.run(ctx, c)
	if res == nil {
		res = &Result{}
	}
	res.Verb = c.verb.Name
	if err != nil {
		res.Err = asError(err)
		if res.Exit == 0 {
			res.Exit = ExitFailure
		}
	}
	return res
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
	r := &Result{Exit: ExitFailure, Err: asError(err)}
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
	return err == nil && c.verb.streams(c)
}

// Stream runs a streaming command, calling fn for each event until ctx
// ends (it then returns nil) or fn returns an error. Errors before the
// first event (bad arguments, missing component) are *Error.
func (in *Interp) Stream(ctx context.Context, argv []string, fn func(Event) error) error {
	c, err := in.parse(argv)
	if err != nil {
		return safeError(err)
	}
	if !c.verb.streams(c) {
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

// parse looks the verb up, checks the component, the flags and the
// arguments: everything is checked before anything is done.
func (in *Interp) parse(argv []string) (*call, error) {
	if len(argv) == 0 {
		return nil, errorf(CodeUnknownVerb, "empty command: try help")
	}
	if len(argv) > MaxArgs {
		return nil, errorf(CodeBadArgument, "more than "+strconv.Itoa(MaxArgs)+" words in the command")
	}
	v, rest, err := lookup(argv)
	if err != nil {
		return nil, err
	}
	c := &call{verb: v, flags: map[string]string{}}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		raw := v.RawTail && len(c.args) >= v.MinArgs-1 // the JSON argument: taken as it is
		if a == "--" && !raw {
			c.args = append(c.args, rest[i+1:]...)
			break
		}
		if raw || len(a) < 2 || a[0] != '-' {
			c.args = append(c.args, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := v.flag(name, strings.HasPrefix(a, "--"))
		if f == nil {
			return nil, errorf(CodeBadArgument, v.Name+": unknown flag "+strconv.Quote(a)+v.flagHint())
		}
		if f.Value == "" {
			if hasVal {
				return nil, errorf(CodeBadArgument, v.Name+": flag --"+f.Name+" takes no value")
			}
			val = "true"
		} else if !hasVal {
			if i+1 == len(rest) {
				return nil, errorf(CodeBadArgument, v.Name+": flag --"+f.Name+" needs a value ("+f.Value+")")
			}
			i++
			val = rest[i]
		}
		if _, dup := c.flags[f.Name]; dup {
			return nil, errorf(CodeBadArgument, v.Name+": flag --"+f.Name+" given twice")
		}
		c.flags[f.Name] = val
	}
	if v.trailingDebug && len(c.args) > 0 && c.args[len(c.args)-1] == "debug" {
		c.args = c.args[:len(c.args)-1]
		c.flags["debug"] = "true"
	}
	n := len(c.args)
	if n < v.MinArgs || v.MaxArgs >= 0 && n > v.MaxArgs {
		return nil, errorf(CodeBadArgument, v.Name+": "+countText(v, n)+"; usage: "+v.Usage())
	}
	for i, a := range c.args {
		if v.RawTail && i == len(c.args)-1 && i >= v.MinArgs-1 {
			break
		}
		if v.Names != NoNames {
			if err := checkName(a); err != nil {
				return nil, errorf(CodeBadArgument, v.Name+": argument "+strconv.Itoa(i+1)+": "+err.Error())
			}
		}
	}
	if v.check != nil {
		if err := v.check(c); err != nil {
			return nil, err
		}
	}
	if !in.has(v.Needs) {
		return nil, errorf(CodeNotAvailable, v.Name+": this program has no "+v.Needs.String()+" attached to its control interpreter")
	}
	return c, nil
}

func countText(v *Verb, n int) string {
	want := ""
	switch {
	case v.MinArgs == v.MaxArgs:
		want = "takes " + plural(v.MinArgs, "argument")
	case v.MaxArgs < 0:
		want = "takes at least " + plural(v.MinArgs, "argument")
	default:
		want = "takes " + strconv.Itoa(v.MinArgs) + " to " + strconv.Itoa(v.MaxArgs) + " arguments"
	}
	return want + ", got " + strconv.Itoa(n)
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

// MaxNameBytes is the longest task or service name (or pattern) accepted.
const MaxNameBytes = 200

// checkName accepts task and service names and '*' patterns made of
// letters, digits and _ . - @ : + *, not starting with '-' or '.', without
// "..": nothing that could be a path, an option or a terminal escape.
func checkName(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	if len(s) > MaxNameBytes {
		return fmt.Errorf("name is %d bytes, over the limit of %d", len(s), MaxNameBytes)
	}
	if s[0] == '-' || s[0] == '.' {
		return fmt.Errorf("name %q may not start with %q", s, s[0])
	}
	if strings.Contains(s, "..") {
		return fmt.Errorf("name %q may not contain \"..\"", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-@:+*", c) >= 0 {
			continue
		}
		return fmt.Errorf("name %q has a character not allowed in names (%q at byte %d)", s, c, i+1)
	}
	return nil
}

// ParseLine splits a command line into words for Exec. For a verb whose
// last argument is JSON (set args, services config), everything after the
// fixed arguments is that one argument, unquoted when it was quoted whole:
// `set args blink {"pin": 3}` works as typed.
func ParseLine(line string) ([]string, error) {
	toks, err := split(line)
	if err != nil {
		return nil, err
	}
	argv := make([]string, len(toks))
	for i, t := range toks {
		argv[i] = t.text
	}
	v, rest, err := lookup(argv)
	if err != nil || !v.RawTail {
		return argv, nil // Exec reports lookup errors
	}
	words := len(argv) - len(rest)
	at := words + v.MinArgs - 1 // index of the JSON argument
	if at >= len(toks) {
		return argv, nil
	}
	tail := strings.TrimSpace(line[toks[at].start:])
	if sub, err := split(tail); err == nil && len(sub) == 1 && (tail[0] == '\'' || tail[0] == '"') {
		tail = sub[0].text
	}
	return append(argv[:at:at], tail), nil
}

// lookup finds the verb: two-word verbs ("set args") first.
func lookup(argv []string) (*Verb, []string, error) {
	if len(argv) == 0 {
		return nil, nil, errorf(CodeUnknownVerb, "empty command: try help")
	}
	w := argv[0]
	if len(argv) > 1 {
		if v := verbIndex[w+" "+argv[1]]; v != nil {
			return v, argv[2:], nil
		}
	}
	if v := verbIndex[w]; v != nil {
		return v, argv[1:], nil
	}
	if subs := verbGroups[w]; len(subs) > 0 {
		if len(argv) > 1 {
			return nil, nil, errorf(CodeUnknownVerb, "unknown verb "+strconv.Quote(w+" "+argv[1])+": "+w+" takes one of: "+strings.Join(subs, ", "))
		}
		return nil, nil, errorf(CodeBadArgument, w+" needs one of: "+strings.Join(subs, ", "))
	}
	return nil, nil, errorf(CodeUnknownVerb, "unknown verb "+strconv.Quote(truncate(w, 40))+": try help")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

var (
	verbIndex  map[string]*Verb
	verbGroups map[string][]string
)

func init() {
	verbIndex = make(map[string]*Verb, len(verbTable))
	verbGroups = make(map[string][]string)
	for i := range verbTable {
		v := &verbTable[i]
		if verbIndex[v.Name] != nil {
			panic("control: verb " + v.Name + " twice in the table")
		}
		verbIndex[v.Name] = v
		if first, sub, ok := strings.Cut(v.Name, " "); ok {
			verbGroups[first] = append(verbGroups[first], sub)
		}
	}
	for _, s := range verbGroups {
		sort.Strings(s)
	}
	verbIndex["help"].run = runHelp
	verbIndex["names"].run = runNames
}

// Verbs returns the verb table: the allow-list of everything the control
// plane can do, in a stable order.
func Verbs() []Verb { return append([]Verb(nil), verbTable...) }

// LookupVerb returns the verb with this full name ("status", "set args").
func LookupVerb(name string) (Verb, bool) {
	v := verbIndex[name]
	if v == nil {
		return Verb{}, false
	}
	return *v, true
}

// marshalData encodes data for the wire, with DEL, C1 and bidi controls
// escaped as \uNNNN (encoding/json escapes only the bytes below 0x20):
// every JSON answer is safe to print on a terminal as it is.
func marshalData(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return marshalSafe(v)
}

// marshalSafe is json.Marshal with DEL, C1 and bidi controls escaped.
func marshalSafe(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return termsafe.JSON(b), nil
}

// check parses argv as Exec or Stream would, without running it.
func (in *Interp) check(argv []string, stream bool) error {
	c, err := in.parse(argv)
	if err != nil {
		return err
	}
	if s := c.verb.streams(c); s != stream {
		if s {
			return errorf(CodeStreamOnly, c.verb.Name+" streams its output: use the stream endpoint")
		}
		return errorf(CodeNotStream, c.verb.Name+" does not stream: use the exec endpoint")
	}
	return nil
}

// run calls the verb, turning a panic in it (a bug in a component) into
// an internal error: a command never takes the program down.
func (in *Interp) run(ctx context.Context, c *call) (res *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, errorf(CodeInternal, fmt.Sprintf("%s: panic: %v", c.verb.Name, v))
		}
	}()
	return c.verb.run(ctx, in, c)
}

func (in *Interp) runStream(ctx context.Context, c *call, fn func(Event) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = errorf(CodeInternal, fmt.Sprintf("%s: panic: %v", c.verb.Name, v))
		}
	}()
	return c.verb.stream(ctx, in, c, fn)
}
