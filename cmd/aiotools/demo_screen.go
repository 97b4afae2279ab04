package main

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// On a terminal each status round replaces the last one, as watch(1)
// does: the cursor goes home and the screen is cleared to its end before
// the round is written, in the same write.
const (
	cursorHome  = "\x1b[H"
	clearToEnd  = "\x1b[J"
	sgrBold     = "\x1b[1m"
	sgrReset    = "\x1b[0m"
	steerHint   = "aioctl status / aioctl shell to steer"
	headerSep   = " · "
	moreLinesOf = "… %d more lines: aioctl status shows them all"
)

// statusHeader is the header above each status round: the time, how many
// tasks are in each state, the control socket and how to steer the demo,
// in lines of at most screenWidth columns.
//
//	aiotools demo · 2026-11-30 17:18:03
//	14 tasks: 3 running, 2 done, 4 error, 5 scheduled
//	socket /run/user/1000/aiotools/aiotools-demo.sock
//	aioctl status / aioctl shell to steer
func statusHeader(now time.Time, sts []aioctl.TaskStatus, socket string) string {
	var count [aioctl.Stopping + 1]int
	for i := range sts {
		if int(sts[i].State) < len(count) {
			count[sts[i].State]++
		}
	}
	var states []string
	// The order a reader scans for: what runs, what ended, what waits.
	for _, s := range []aioctl.State{aioctl.Running, aioctl.Done, aioctl.Stopped, aioctl.Error,
		aioctl.Restarting, aioctl.GaveUp, aioctl.Stopping, aioctl.Scheduled} {
		if count[s] > 0 {
			states = append(states, strconv.Itoa(count[s])+" "+s.String())
		}
	}
	tasks := strconv.Itoa(len(sts)) + " tasks"
	if len(states) > 0 {
		tasks += ": " + strings.Join(states, ", ")
	}
	parts := []string{"aiotools demo", now.Format(aioctl.DateLayout), tasks}
	if socket != "" {
		parts = append(parts, "socket "+termsafe.String(socket))
	}
	return joinFit(append(parts, steerHint), headerSep, screenWidth)
}

// joinFit joins parts with sep into lines of at most width columns, as
// many parts on a line as fit (a part wider than width alone on its line).
func joinFit(parts []string, sep string, width int) string {
	var b strings.Builder
	n := 0 // columns on the current line
	for i, p := range parts {
		w := utf8.RuneCountInString(p)
		switch {
		case i == 0:
		case n+utf8.RuneCountInString(sep)+w <= width:
			b.WriteString(sep)
			n += utf8.RuneCountInString(sep)
		default:
			b.WriteString("\n")
			n = 0
		}
		b.WriteString(p)
		n += w
	}
	return b.String()
}

// statusRound is one round of status as the demo prints it, in one
// string (the echo drops whole writes when stdout does not keep up, never
// half a round). Piped (width 0), the round is the header and the status
// after a blank line. On a terminal of width×height, it redraws the screen
// from its top: the header, then as much of the status as fits, then how
// many lines did not.
func statusRound(header, status string, color bool, width, height int) string {
	var b strings.Builder
	if width <= 0 {
		b.WriteString("\n" + header + "\n" + status)
		return b.String()
	}
	b.WriteString(cursorHome + clearToEnd)
	if color {
		b.WriteString(sgrBold + header + sgrReset + "\n")
	} else {
		b.WriteString(header + "\n")
	}
	rows := height
	for _, l := range strings.Split(header, "\n") { // the header may have a stats line
		rows -= rowsOf(l, width)
	}
	lines := strings.SplitAfter(status, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	// Rows are kept for the count of the lines left out (as wide as it
	// can be), unless the last line fits.
	reserve := rowsOf(fmt.Sprintf(moreLinesOf, len(lines)), width)
	for i, l := range lines {
		r := rowsOf(strings.TrimSuffix(l, "\n"), width)
		if last := i == len(lines)-1; (last && r > rows) || (!last && r+reserve > rows) {
			fmt.Fprintf(&b, moreLinesOf, len(lines)-i)
			return b.String()
		}
		b.WriteString(l)
		rows -= r
	}
	return b.String()
}

// rowsOf is how many terminal rows a line takes on a terminal width
// columns wide: its characters, colour sequences left out, wrapped. Every
// character counts as one column, as the status's (●, ┗━►) do.
func rowsOf(line string, width int) int {
	n := 0
	for i := 0; i < len(line); {
		if line[i] == '\x1b' { // an SGR colour sequence of the status: ESC [ … m
			if j := strings.IndexByte(line[i:], 'm'); j > 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
		n++
	}
	if n == 0 {
		return 1
	}
	return (n + width - 1) / width
}

// printStatus writes one round of the demo's status to d.cfg.Out.
func (d *demo) printStatus(now time.Time) {
	width, height := 0, 0
	if d.cfg.Size != nil {
		if w, h, ok := d.cfg.Size(); ok && w > 0 && h > 1 {
			width, height = w, h
		}
	}
	sts, err := d.group.Status()
	var status bytes.Buffer
	if rerr := aioctl.Render(&status, sts, aioctl.RenderOptions{Debug: d.group.Debug(), Color: d.cfg.Color, Now: now, Width: width}); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		status.WriteString("status: " + termsafe.Text(err.Error()) + "\n")
	}
	io.WriteString(d.cfg.Out, statusRound(statusHeader(now, sts, d.socket)+"\n"+d.demoStatsLine(), status.String(), d.cfg.Color, width, height))
}
