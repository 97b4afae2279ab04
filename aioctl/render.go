package aioctl

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// DateLayout is how status prints a point in time (local time by default).
const DateLayout = "2006-01-02 15:04:05"

// Separator is the line printed after a task's log lines in status, as the seed does.
var Separator = "<" + strings.Repeat("-", 80) + ">"

// RenderOptions controls the text form of status.
type RenderOptions struct {
	// Debug prints the detail lines (Task, runtime, args, traceback,
	// schedule opts) and a service's systemd-like header.
	Debug bool
	// Color paints the state dot; set it only when writing to a terminal.
	Color bool
	// Now is the time "N s ago" counts from; zero means time.Now().
	Now time.Time
	// Location is the zone dates are printed in; nil means time.Local.
	Location *time.Location
	// Width is the width in columns of the separator line after a task's
	// log lines, "<" and ">" included, so that it fits a terminal of that
	// width; 0 (or less than 3) prints Separator, the seed's 80 dashes.
	Width int
}

const (
	colorReset  = "\x1b[0m"
	colorRed    = "\x1b[31m"
	colorGreen  = "\x1b[32m"
	colorYellow = "\x1b[33m"
	colorCyan   = "\x1b[36m"
)

func dot(s State, color bool) string {
	if !color {
		return "●"
	}
	c := ""
	switch s {
	case Running:
		c = colorGreen
	case Stopped, Restarting, Stopping:
		c = colorYellow
	case Error, GaveUp:
		c = colorRed
	case Scheduled:
		c = colorCyan
	default:
		return "●"
	}
	return c + "●" + colorReset
}

// formatDuration prints a duration as the seed's status does: under a
// minute "N s", under a day "HH:MM:SS", otherwise "N days, HH:MM:SS".
// A negative duration is printed as its absolute value.
func formatDuration(d time.Duration) string { return string(appendDuration(nil, d)) }

func appendDuration(b []byte, d time.Duration) []byte {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	if s < 60 {
		return append(strconv.AppendInt(b, s, 10), " s"...)
	}
	days := s / 86400
	s %= 86400
	if days > 0 {
		b = append(strconv.AppendInt(b, days, 10), " days, "...)
	}
	b = appendTwo(b, s/3600)
	b = appendTwo(append(b, ':'), s%3600/60)
	return appendTwo(append(b, ':'), s%60)
}

// FormatNextIn prints the time until a planned event: formatDuration for
// the future, "the past by …" when it is overdue.
func FormatNextIn(d time.Duration) string { return string(appendNextIn(nil, d)) }

func appendNextIn(b []byte, d time.Duration) []byte {
	if d < 0 {
		return appendDuration(append(b, "the past by "...), -d)
	}
	return appendDuration(b, d)
}

func appendTwo(b []byte, n int64) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, n, 10)
}

// Render writes the status blocks in SPEC.md's text format. Every value
// that comes from a task, a service or a log (names, results, errors,
// arguments, service info, stats, log lines) is escaped for the terminal
// as aiolog escapes its lines: control characters, DEL, C1 and bidi
// controls print as \xNN or \uNNNN, and a newline as \n, so that a value
// can neither drive the terminal nor forge a line. A traceback keeps its
// newlines and tabs.
func Render(w io.Writer, sts []TaskStatus, opt RenderOptions) error {
	bp := renderPool.Get().(*[]byte)
	b := AppendRender((*bp)[:0], sts, opt)
	_, err := w.Write(b)
	if cap(b) <= maxPooled {
		*bp = b
		renderPool.Put(bp)
	}
	return err
}

// renderPool holds the buffers Render appends into: a status of a hundred
// tasks is some 10 KiB, written on every request of a busy control socket.
var renderPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooled keeps an outsize buffer (a status with thousands of log lines)
// out of the pool.
const maxPooled = 1 << 20

// AppendRender appends the text Render writes to dst and returns it: a
// caller with a buffer of its own (a server answering many requests)
// renders without allocating.
func AppendRender(dst []byte, sts []TaskStatus, opt RenderOptions) []byte {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	r := renderer{b: dst, o: opt}
	for i := range sts {
		r.one(&sts[i])
	}
	return r.b
}

// renderer is one Render: the buffer, the options, and the last date it
// formatted. Tasks started together share the second, and formatting a
// date is the costliest step of a status line.
type renderer struct {
	b        []byte
	o        RenderOptions
	dateSec  int64
	dateText [len(DateLayout)]byte
	dateOK   bool
}

func (r *renderer) s(s string) { r.b = append(r.b, s...) }

// esc appends one untrusted value (a name, a result, an error, service
// info) made safe for the terminal and kept on its line: a task returning
// "\x1b]0;PWNED\x07" must not retitle the terminal of whoever runs status,
// and a newline in a name must not forge a status line.
func (r *renderer) esc(s string) { r.b = termsafe.AppendString(r.b, s) }
func (r *renderer) itoa(n int)   { r.b = strconv.AppendInt(r.b, int64(n), 10) }

// separator is the line after a task's log lines: Separator, or one
// Width columns wide.
func (o RenderOptions) separator() string {
	if o.Width < 3 {
		return Separator
	}
	return "<" + strings.Repeat("-", o.Width-2) + ">"
}

func (r *renderer) date(t time.Time) {
	sec := t.Unix()
	if !r.dateOK || sec != r.dateSec {
		r.dateSec, r.dateOK = sec, true
		t.In(r.o.Location).AppendFormat(r.dateText[:0], DateLayout)
	}
	r.b = append(r.b, r.dateText[:]...)
}

func (r *renderer) ago(t time.Time) {
	r.b = append(appendDuration(r.b, r.o.Now.Sub(t)), " ago"...)
}

// dateAgo is "DATE; N s ago".
func (r *renderer) dateAgo(t time.Time) {
	r.date(t)
	r.s("; ")
	r.ago(t)
}

// stateText appends the part of the header after "status: ".
func (r *renderer) stateText(st *TaskStatus) {
	result := func() {
		r.s(" --> result:")
		if st.ResultText != "" {
			r.s(" ")
			r.esc(st.ResultText)
		}
	}
	switch st.State {
	case Running:
		if st.Starting { // WithReadiness, before Ready (ready.go)
			r.s("starting since ")
		} else {
			r.s("running since ")
		}
		r.dateAgo(st.Since)
	case Stopping:
		r.s("stopping since ")
		r.dateAgo(st.Since)
		if st.Unresponsive {
			r.s(" (not responding to cancellation)")
		}
	case Done, Stopped, Error, Restarting, GaveUp:
		switch st.State {
		case Done:
			r.s("done @ ")
		case Stopped:
			r.s("stopped @ ")
		case Error:
			if st.Service != nil {
				r.s("failed @ ")
			} else {
				r.s("ERROR @ ")
			}
		case Restarting:
			r.s("restarting @ ")
		case GaveUp:
			r.s("gave up @ ")
		}
		r.dateAgo(st.Ended)
		result()
	case Scheduled:
		if st.Service != nil && st.Schedule == nil {
			// A service's task that is loaded but not started, and on
			// no schedule, waits for nothing: "loaded", as systemd says.
			r.s("loaded")
		} else {
			r.s("scheduled")
		}
	default:
		r.s(st.State.String())
	}
}

const branch = "    ┗━► "

// ScheduleDoneText is what status and the schedule list print in place of
// the next run of a schedule that has none left (ScheduleInfo.Done).
const ScheduleDoneText = "done (one-shot: runs no more)"

func (r *renderer) one(st *TaskStatus) {
	o := r.o
	d := dot(st.State, o.Color)
	if o.Debug && st.Service != nil {
		r.serviceHeader(st, d)
	} else {
		r.s(d)
		r.s(" ")
		r.esc(st.Name)
		r.s(": status: ")
		r.stateText(st)
		r.s("\n")
	}
	switch st.State {
	case Restarting:
		r.s(branch + "restart: next in ")
		r.b = appendNextIn(r.b, st.NextRestart.Sub(o.Now))
		r.s(" @ ")
		r.date(st.NextRestart)
		r.s(" (restart ")
		r.itoa(st.Restarts)
		r.s(")\n")
	case GaveUp:
		r.s(branch + "restart: gave up after ")
		r.itoa(st.Restarts)
		r.s(" restarts\n")
	}
	if s := st.Schedule; s != nil {
		r.s(branch + "schedule: last @ ")
		if s.Last.IsZero() {
			r.s("None")
		} else {
			r.date(s.Last)
		}
		if s.Done {
			r.s(" --> " + ScheduleDoneText + "\n")
		} else if s.Next.IsZero() {
			r.s(" --> next: None\n")
		} else {
			r.s(" --> next in ")
			r.b = appendNextIn(r.b, s.Next.Sub(o.Now))
			r.s(" @ ")
			r.date(s.Next)
			r.s("\n")
		}
		if o.Debug {
			r.s(branch + "schedule opts: ")
			r.esc(s.Opts)
			if s.Paused {
				r.s(" (unscheduled by stop)")
			}
			r.s(" (skipped: ")
			r.itoa(s.Skipped)
			r.s(", missed: ")
			r.itoa(s.Missed)
			r.s(")\n")
		}
	}
	if len(st.Children) > 0 {
		r.children(st.Children)
	}
	if o.Debug {
		r.s("    Task: ")
		r.esc(st.Func)
		r.s(" (group ")
		r.esc(st.Group)
		r.s(")\n")
		if st.State != Running && st.State != Scheduled && !st.Ended.IsZero() {
			r.s(branch + "runtime: ")
			r.b = appendDuration(r.b, st.Runtime)
			r.s("\n")
		}
		if len(st.Args) > 0 {
			r.s(branch + "args: ")
			r.b = termsafe.AppendBytes(r.b, termsafe.JSON(st.Args))
			r.s("\n")
		}
		if len(st.PendingArgs) > 0 {
			r.s(branch + "args (after restart): ")
			r.b = termsafe.AppendBytes(r.b, termsafe.JSON(st.PendingArgs))
			r.s("\n")
		}
		if st.Traceback != "" {
			r.s(branch + "traceback: ")
			r.s(strings.ReplaceAll(termsafe.Text(strings.TrimRight(st.Traceback, "\n")), "\n", "\n        "))
			r.s("\n")
		}
	}
	if st.Log != nil {
		for _, l := range st.Log {
			r.esc(l)
			r.s("\n")
		}
		r.s(o.separator())
		r.s("\n")
	}
}

// children lists a task's child tasks under it, one state line each, as
// asyncmd's CTasks did:
//
//	┗━► CTasks: 2
//	    ● hello.service.blink: status: running since …; 3 s ago
func (r *renderer) children(cs []ChildStatus) {
	r.s(branch + "CTasks: ")
	r.itoa(len(cs))
	r.s("\n")
	for i := range cs {
		c := &cs[i]
		st := TaskStatus{Name: c.Name, State: c.State, Since: c.Since, Ended: c.Ended,
			ResultText: c.ResultText, Unresponsive: c.Unresponsive}
		r.s("        ")
		r.s(dot(c.State, r.o.Color))
		r.s(" ")
		r.esc(c.Name)
		r.s(": status: ")
		r.stateText(&st)
		r.s("\n")
	}
}

func (r *renderer) serviceHeader(st *TaskStatus, d string) {
	sv := st.Service
	r.s(d)
	r.s(" ")
	r.esc(st.Name)
	if sv.Description != "" {
		r.s(" - ")
		r.esc(sv.Description)
	}
	r.s("\n")
	if sv.Loaded != "" {
		r.s("    Loaded: ")
		r.esc(sv.Loaded)
		r.s("\n")
	}
	active := "(inactive)"
	switch st.State {
	case Running, Restarting, Stopping:
		active = "(active)"
	case Error, GaveUp:
		active = "(failed)"
	}
	r.s("    Active: " + active + " ")
	r.stateText(st)
	r.s("\n")
	if sv.Type != "" {
		r.s("    Type: ")
		r.esc(sv.Type)
		r.s("\n")
	}
	if sv.Docs != "" {
		r.s("    Docs: ")
		r.esc(sv.Docs)
		r.s("\n")
	}
	if sv.Stats != "" {
		title := sv.StatsTitle
		if title == "" {
			title = "Stats"
		}
		r.s("    ")
		r.esc(title)
		r.s(":     ")
		r.esc(sv.Stats)
		r.s("\n")
	}
}

// WriteStatus renders the status of the matching tasks (all when no
// pattern is given) to w, in the group's debug mode.
func (g *Group) WriteStatus(w io.Writer, color bool, patterns ...string) error {
	sts, err := g.Status(patterns...)
	if rerr := Render(w, sts, RenderOptions{Debug: g.Debug(), Color: color, Now: g.clock.Now()}); rerr != nil {
		return rerr
	}
	return err
}
