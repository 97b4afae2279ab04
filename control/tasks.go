package control

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// esc makes one untrusted value (a task or service name, a result, an
// error) safe for the terminal and keeps it on its line; every text
// renderer of the interpreter prints such values only through it.
func esc(s string) string { return termsafe.String(s) }

// escLines escapes multi-line text (a traceback) for the terminal and
// indents its continuation lines, so that no line of it can pass for a
// line of the answer.
func escLines(s string) string {
	return strings.ReplaceAll(termsafe.Text(strings.TrimRight(s, "\n")), "\n", "\n    ")
}

// escAll is esc of each string.
func escAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = esc(s)
	}
	return out
}

// NamesData is the result of start, stop, restart, delete and set args:
// the tasks acted on.
type NamesData struct {
	Names []string `json:"names"`
}

// ResultData is one task's result (verb result).
type ResultData struct {
	Name  string       `json:"name"`
	State aioctl.State `json:"state"`
	// Result is the value as JSON (null when it does not encode).
	Result json.RawMessage `json:"result"`
	// Text is the value as status prints it.
	Text string `json:"text"`
}

// TracebackData is one failed task's error (verb traceback).
type TracebackData struct {
	Name      string `json:"name"`
	Error     string `json:"error"`
	ErrorType string `json:"error_type"`
	Traceback string `json:"traceback"`
}

// DebugData is the debug mode after the debug verb.
type DebugData struct {
	Debug bool `json:"debug"`
}

// ActiveData is one task's answer to is-active.
type ActiveData struct {
	Name   string       `json:"name"`
	State  aioctl.State `json:"state"`
	Active string       `json:"active"` // active, activating, deactivating, inactive, failed
}

// oneLine joins a joined error's lines.
func oneLine(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	return &Error{Code: CodeOf(err), Message: msg}
}

func checkIntFlags(names ...string) func(*call) error {
	return func(c *call) error {
		for _, n := range names {
			if v, ok := c.flag(n); ok {
				if _, err := strconv.Atoi(v); err != nil {
					return errorf(CodeBadArgument, c.verb.Name+": --"+n+" wants a whole number, got "+strconv.Quote(truncate(v, 40)))
				}
			}
		}
		return nil
	}
}

// checkStatusLines refuses a --lines of status below -1 (-1 is all):
// -5 printed every line, where log refuses it.
func checkStatusLines(c *call) error {
	if err := checkIntFlags("lines")(c); err != nil {
		return err
	}
	if v, ok := c.flag("lines"); ok {
		if n, _ := strconv.Atoi(v); n < -1 {
			return errorf(CodeBadArgument, c.verb.Name+": --lines: want a count of 0 or more (-1: all), got "+strconv.Quote(truncate(v, 20)))
		}
	}
	return nil
}

func checkOnOff(c *call) error {
	if len(c.args) == 1 && c.args[0] != "on" && c.args[0] != "off" {
		return errorf(CodeBadArgument, "debug: want on or off, got "+strconv.Quote(truncate(c.args[0], 40)))
	}
	return nil
}

func checkNamesKind(c *call) error {
	if len(c.args) == 1 {
		switch c.args[0] {
		case "tasks", "services", "verbs", "kinds":
		default:
			return errorf(CodeBadArgument, "names: want tasks, services, verbs or kinds, got "+strconv.Quote(truncate(c.args[0], 40)))
		}
	}
	return nil
}

func activeWord(s aioctl.State) string {
	switch s {
	case aioctl.Running:
		return "active"
	case aioctl.Restarting:
		return "activating"
	case aioctl.Stopping:
		return "deactivating"
	case aioctl.Error, aioctl.GaveUp:
		return "failed"
	}
	return "inactive"
}

// systemctlExit is 4 when a pattern matched nothing, else 3 when a matched
// task is not running, else 0.
func systemctlExit(sts []aioctl.TaskStatus, err error) int {
	if errors.Is(err, aioctl.ErrNotFound) {
		return ExitNoSuch
	}
	for i := range sts {
		if sts[i].State != aioctl.Running {
			return ExitNotActive
		}
	}
	return ExitOK
}

func runStatus(ctx context.Context, in *Interp, c *call) (*Result, error) {
	g := in.c.Group
	debug := c.has("debug") || g.Debug()
	n := 0
	v, noLines := c.flag("lines")
	if noLines {
		n, _ = strconv.Atoi(v)
		noLines = n == 0
	}
	var sts []aioctl.TaskStatus
	var err error
	if c.opt.JSON {
		sts, err = g.Snapshot(aioctl.SnapshotOptions{Debug: debug, LogLines: n}, c.args...)
	} else { // rendered at once: a pooled slice
		sp := statusSlices.Get().(*[]aioctl.TaskStatus)
		defer putStatusSlice(sp, &sts)
		sts, err = g.AppendSnapshot((*sp)[:0], aioctl.SnapshotOptions{Debug: debug, LogLines: n}, c.args...)
	}
	if noLines { // -n 0: no lines (the snapshot's 0 is its default of 10)
		for i := range sts {
			if sts[i].Log != nil {
				sts[i].Log = []string{}
			}
		}
	}
	res := &Result{Exit: ExitOK}
	if len(c.args) > 0 {
		res.Exit = systemctlExit(sts, err)
	}
	if c.opt.JSON {
		res.Data = sts
	} else {
		res.Text = renderStatus(sts, aioctl.RenderOptions{Debug: debug, Color: c.opt.Color, Now: g.Clock().Now()})
	}
	return res, oneLine(err)
}

func runIsActive(ctx context.Context, in *Interp, c *call) (*Result, error) {
	sts, err := in.c.Group.Snapshot(aioctl.SnapshotOptions{LogLines: 0}, c.args...)
	res := &Result{Exit: systemctlExit(sts, err)}
	out := make([]ActiveData, len(sts))
	// One name asked: its word alone, for scripts. More, or a pattern:
	// "NAME: word" per task, as systemctl prints several units.
	named := len(c.args) > 1 || len(sts) > 1 || len(c.args) == 1 && strings.Contains(c.args[0], "*")
	var b strings.Builder
	for i := range sts {
		out[i] = ActiveData{Name: sts[i].Name, State: sts[i].State, Active: activeWord(sts[i].State)}
		if named {
			b.WriteString(esc(sts[i].Name) + ": ")
		}
		b.WriteString(out[i].Active + "\n")
	}
	res.Data, res.Text = out, b.String()
	return res, oneLine(err)
}

// orNothing is none, or "" when err says why nothing was done (a pattern
// that matched no task): the error alone is said then, as systemctl does.
func orNothing(err error, none string) string {
	if err != nil {
		return ""
	}
	return none
}

func namesResult(verb string, names []string, none string) *Result {
	if names == nil {
		names = []string{}
	}
	r := &Result{Data: NamesData{Names: names}}
	if len(names) == 0 {
		if none != "" {
			r.Text = none + "\n"
		}
	} else {
		r.Text = verb + ": " + strings.Join(escAll(names), ", ") + "\n"
	}
	return r
}

func runStart(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.c.Group.Start(c.args...)
	return namesResult("started", names, orNothing(err, "nothing started (already running)")), oneLine(err)
}

func runStop(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.c.Group.Stop(ctx, c.args...)
	return namesResult("stopped", names, orNothing(err, "nothing stopped")), oneLine(err)
}

func runRestart(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.c.Group.Restart(ctx, c.args...)
	return namesResult("restarted", names, orNothing(err, "nothing restarted")), oneLine(err)
}

func runDelete(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.c.Group.Delete(ctx, c.args...)
	return namesResult("deleted", names, orNothing(err, "nothing deleted")), oneLine(err)
}

func runResult(ctx context.Context, in *Interp, c *call) (*Result, error) {
	sts, err := in.c.Group.Snapshot(aioctl.SnapshotOptions{LogLines: 0}, c.args...)
	out := make([]ResultData, len(sts))
	var b strings.Builder
	for i := range sts {
		st := &sts[i]
		raw, jerr := marshalPlain(st.Result)
		if jerr != nil {
			raw = json.RawMessage("null")
		}
		out[i] = ResultData{Name: st.Name, State: st.State, Result: raw, Text: st.ResultText}
		b.WriteString(esc(st.Name) + ": " + esc(st.ResultText) + "\n")
	}
	return &Result{Data: out, Text: b.String()}, oneLine(err)
}

func runTraceback(ctx context.Context, in *Interp, c *call) (*Result, error) {
	sts, err := in.c.Group.Snapshot(aioctl.SnapshotOptions{LogLines: 0}, c.args...)
	out := []TracebackData{}
	var b strings.Builder
	for i := range sts {
		st := &sts[i]
		if st.Error == "" {
			continue
		}
		out = append(out, TracebackData{Name: st.Name, Error: st.Error, ErrorType: st.ErrorType, Traceback: st.Traceback})
		b.WriteString("● " + esc(st.Name) + ": " + escLines(st.Traceback) + "\n")
	}
	if len(out) == 0 {
		b.WriteString("no traceback: no matching task failed\n")
	}
	return &Result{Data: out, Text: b.String()}, oneLine(err)
}

func runDebug(ctx context.Context, in *Interp, c *call) (*Result, error) {
	g := in.c.Group
	var on bool
	if len(c.args) == 1 {
		on = c.args[0] == "on"
		g.SetDebug(on)
	} else {
		on = g.ToggleDebug()
	}
	word := "off"
	if on {
		word = "on"
	}
	return &Result{Data: DebugData{Debug: on}, Text: "debug mode " + word + "\n"}, nil
}

func runSetArgs(ctx context.Context, in *Interp, c *call) (*Result, error) {
	patch := []byte(c.args[1])
	if !json.Valid(patch) {
		return nil, errorf(CodeBadArgument, `set args: want JSON: an object like {"sleep": "3s"} for arguments that are a struct, a value like 5 or "text" for others; got `+strconv.Quote(truncate(c.args[1], 60)))
	}
	names, err := in.c.Group.SetArgsJSON(patch, c.args[0])
	r := namesResult("args set (used at the next start) for", names, orNothing(err, "no arguments changed"))
	return r, oneLine(err)
}

func runHelp(ctx context.Context, in *Interp, c *call) (*Result, error) {
	if len(c.args) > 0 {
		name := strings.Join(c.args, " ")
		v, ok := api.LookupVerb(name)
		if uv := in.user.lookup(name); !ok && uv != nil {
			return userHelp(uv), nil
		}
		if !ok {
			if subs := api.SubVerbs(name); len(subs) > 0 {
				return &Result{Data: subs, Text: api.GroupHelp(name)}, nil
			}
			return nil, errorf(CodeUnknownVerb, "help: unknown verb "+strconv.Quote(truncate(name, 40)))
		}
		text := v.Help()
		if h := helps[v.Name]; h != nil {
			text += h(in)
		}
		if !in.has(v.Needs) {
			text += "  (not available: this program has no " + v.Needs.String() + ")\n"
		}
		return &Result{Data: v, Text: text}, nil
	}
	var b strings.Builder
	var list []Verb
	for _, v := range api.Verbs() {
		if v.Hidden {
			continue
		}
		list = append(list, v)
		b.WriteString(v.HelpLine())
	}
	for i, v := range in.userVerbs() {
		if i == 0 {
			b.WriteString("\nthis program's verbs:\n")
		}
		list = append(list, v)
		b.WriteString(v.HelpLine())
	}
	return &Result{Data: list, Text: b.String()}, nil
}

func runNames(ctx context.Context, in *Interp, c *call) (*Result, error) {
	kind := "tasks"
	if len(c.args) == 1 {
		kind = c.args[0]
	}
	var names []string
	switch kind {
	case "tasks":
		names = in.c.Group.Names()
	case "services":
		names = in.serviceNames()
	case "kinds":
		for _, k := range in.c.Group.Kinds() {
			names = append(names, k.Name)
		}
	case "verbs":
		for _, v := range in.Verbs() {
			if !v.Hidden {
				names = append(names, v.Name)
			}
		}
	}
	if names == nil {
		names = []string{}
	}
	return &Result{Data: names, Text: strings.Join(escAll(names), "\n") + "\n"}, nil
}
