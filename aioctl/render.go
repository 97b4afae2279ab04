package aioctl

import (
	"io"
	"strconv"
	"strings"
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
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	if s < 60 {
		return strconv.FormatInt(s, 10) + " s"
	}
	days := s / 86400
	s %= 86400
	hms := two(s/3600) + ":" + two(s%3600/60) + ":" + two(s%60)
	if days > 0 {
		return strconv.FormatInt(days, 10) + " days, " + hms
	}
	return hms
}

// FormatNextIn prints the time until a planned event: formatDuration for
// the future, "the past by …" when it is overdue.
func FormatNextIn(d time.Duration) string {
	if d < 0 {
		return "the past by " + formatDuration(-d)
	}
	return formatDuration(d)
}

func two(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Render writes the status blocks in SPEC.md's text format. Every value
// that comes from a task, a service or a log (names, results, errors,
// arguments, service info, stats, log lines) is escaped for the terminal
// as aiolog escapes its lines: control characters, DEL, C1 and bidi
// controls print as \xNN or \uNNNN, and a newline as \n, so that a value
// can neither drive the terminal nor forge a line. A traceback keeps its
// newlines and tabs.
func Render(w io.Writer, sts []TaskStatus, opt RenderOptions) error {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	var b strings.Builder
	for i := range sts {
		renderOne(&b, &sts[i], opt)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// separator is the line after a task's log lines: Separator, or one
// Width columns wide.
func (o RenderOptions) separator() string {
	if o.Width < 3 {
		return Separator
	}
	return "<" + strings.Repeat("-", o.Width-2) + ">"
}

func (o RenderOptions) date(t time.Time) string { return t.In(o.Location).Format(DateLayout) }

func (o RenderOptions) ago(t time.Time) string { return formatDuration(o.Now.Sub(t)) + " ago" }

// stateText is the part of the header after "status: ".
func stateText(st *TaskStatus, o RenderOptions) string {
	result := " --> result:"
	if st.ResultText != "" {
		result += " " + esc(st.ResultText)
	}
	ended := o.date(st.Ended) + "; " + o.ago(st.Ended)
	switch st.State {
	case Running:
		return "running since " + o.date(st.Since) + "; " + o.ago(st.Since)
	case Stopping:
		s := "stopping since " + o.date(st.Since) + "; " + o.ago(st.Since)
		if st.Unresponsive {
			s += " (not responding to cancellation)"
		}
		return s
	case Done:
		return "done @ " + ended + result
	case Stopped:
		return "stopped @ " + ended + result
	case Error:
		word := "ERROR"
		if st.Service != nil {
			word = "failed"
		}
		return word + " @ " + ended + result
	case Restarting:
		return "restarting @ " + ended + result
	case GaveUp:
		return "gave up @ " + ended + result
	case Scheduled:
		if st.Service != nil && st.Schedule == nil {
			// A service's task that is loaded but not started, and on
			// no schedule, waits for nothing: "loaded", as systemd says.
			return "loaded"
		}
		return "scheduled"
	}
	return st.State.String()
}

const branch = "    ┗━► "

// esc makes one untrusted value (a name, a result, an error, service
// info) safe for the terminal and keeps it on its line: a task returning
// "\x1b]0;PWNED\x07" must not retitle the terminal of whoever runs status,
// and a newline in a name must not forge a status line.
func esc(s string) string { return termsafe.String(s) }

func renderOne(b *strings.Builder, st *TaskStatus, o RenderOptions) {
	d := dot(st.State, o.Color)
	if o.Debug && st.Service != nil {
		renderServiceHeader(b, st, o, d)
	} else {
		b.WriteString(d + " " + esc(st.Name) + ": status: " + stateText(st, o) + "\n")
	}
	switch st.State {
	case Restarting:
		b.WriteString(branch + "restart: next in " + FormatNextIn(st.NextRestart.Sub(o.Now)) +
			" @ " + o.date(st.NextRestart) + " (restart " + strconv.Itoa(st.Restarts) + ")\n")
	case GaveUp:
		b.WriteString(branch + "restart: gave up after " + strconv.Itoa(st.Restarts) + " restarts\n")
	}
	if s := st.Schedule; s != nil {
		last := "None"
		if !s.Last.IsZero() {
			last = o.date(s.Last)
		}
		next := "--> next: None"
		if !s.Next.IsZero() {
			next = "--> next in " + FormatNextIn(s.Next.Sub(o.Now)) + " @ " + o.date(s.Next)
		}
		b.WriteString(branch + "schedule: last @ " + last + " " + next + "\n")
		if o.Debug {
			b.WriteString(branch + "schedule opts: " + esc(s.Opts))
			if s.Paused {
				b.WriteString(" (unscheduled by stop)")
			}
			b.WriteString(" (skipped: " + strconv.Itoa(s.Skipped) +
				", missed: " + strconv.Itoa(s.Missed) + ")\n")
		}
	}
	if o.Debug {
		b.WriteString("    Task: " + esc(st.Func) + " (group " + esc(st.Group) + ")\n")
		if st.State != Running && st.State != Scheduled && !st.Ended.IsZero() {
			b.WriteString(branch + "runtime: " + formatDuration(st.Runtime) + "\n")
		}
		if len(st.Args) > 0 {
			b.WriteString(branch + "args: " + esc(string(termsafe.JSON(st.Args))) + "\n")
		}
		if len(st.PendingArgs) > 0 {
			b.WriteString(branch + "args (after restart): " + esc(string(termsafe.JSON(st.PendingArgs))) + "\n")
		}
		if st.Traceback != "" {
			b.WriteString(branch + "traceback: " + strings.ReplaceAll(termsafe.Text(strings.TrimRight(st.Traceback, "\n")), "\n", "\n        ") + "\n")
		}
	}
	if st.Log != nil {
		for _, l := range st.Log {
			b.WriteString(esc(l) + "\n")
		}
		b.WriteString(o.separator() + "\n")
	}
}

func renderServiceHeader(b *strings.Builder, st *TaskStatus, o RenderOptions, d string) {
	sv := st.Service
	b.WriteString(d + " " + esc(st.Name))
	if sv.Description != "" {
		b.WriteString(" - " + esc(sv.Description))
	}
	b.WriteString("\n")
	if sv.Loaded != "" {
		b.WriteString("    Loaded: " + esc(sv.Loaded) + "\n")
	}
	active := "(inactive)"
	switch st.State {
	case Running, Restarting, Stopping:
		active = "(active)"
	case Error, GaveUp:
		active = "(failed)"
	}
	b.WriteString("    Active: " + active + " " + stateText(st, o) + "\n")
	if sv.Type != "" {
		b.WriteString("    Type: " + esc(sv.Type) + "\n")
	}
	if sv.Docs != "" {
		b.WriteString("    Docs: " + esc(sv.Docs) + "\n")
	}
	if sv.Stats != "" {
		title := sv.StatsTitle
		if title == "" {
			title = "Stats"
		}
		b.WriteString("    " + esc(title) + ":     " + esc(sv.Stats) + "\n")
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
