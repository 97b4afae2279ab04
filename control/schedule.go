package control

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

// NextRun is one entry of schedule next.
type NextRun struct {
	Task string    `json:"task"`
	At   time.Time `json:"at"`
}

func matchAny(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if aioctl.Match(p, name) {
			return true
		}
	}
	return false
}

// notFound reports the patterns that matched none of names.
func notFound(patterns, names []string, what string) error {
	var missing []string
	for _, p := range patterns {
		hit := false
		for _, n := range names {
			if aioctl.Match(p, n) {
				hit = true
				break
			}
		}
		if !hit {
			missing = append(missing, "no "+what+" matches "+strconv.Quote(p))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return errorf(CodeNotFound, strings.Join(missing, "; "))
}

func runScheduleList(ctx context.Context, in *Interp, c *call) (*Result, error) {
	all := in.c.Scheduler.List()
	now := in.c.Group.Clock().Now()
	var out []aioschedule.Entry
	var names []string
	var b strings.Builder
	for _, e := range all {
		names = append(names, e.Task)
		if !matchAny(c.args, e.Task) {
			continue
		}
		out = append(out, e)
		last, next := "None", "--> next: None"
		if !e.Last.IsZero() {
			last = e.Last.In(time.Local).Format(aioctl.DateLayout)
		}
		if !e.Next.IsZero() {
			next = "--> next in " + aioctl.FormatNextIn(e.Next.Sub(now)) + " @ " + e.Next.In(time.Local).Format(aioctl.DateLayout)
		}
		b.WriteString(esc(e.Task) + ": " + esc(e.Spec.String()) + "\n    ┗━► schedule: last @ " + last + " " + next +
			" (skipped: " + strconv.Itoa(e.Skipped) + ", missed: " + strconv.Itoa(e.Missed) + ")")
		if e.Paused {
			b.WriteString(" paused (task stopped)")
		}
		b.WriteString("\n")
	}
	if out == nil {
		out = []aioschedule.Entry{}
		if len(c.args) == 0 {
			b.WriteString("no schedules\n")
		}
	}
	return &Result{Data: out, Text: b.String()}, notFound(c.args, names, "schedule")
}

func runScheduleNext(ctx context.Context, in *Interp, c *call) (*Result, error) {
	n := 10
	if len(c.args) == 1 {
		n, _ = strconv.Atoi(c.args[0])
	}
	now := in.c.Group.Clock().Now()
	var runs []NextRun
	for _, e := range in.c.Scheduler.List() {
		if !e.Next.IsZero() {
			runs = append(runs, NextRun{Task: e.Task, At: e.Next})
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].At.Before(runs[j].At) })
	if len(runs) > n {
		runs = runs[:n]
	}
	if runs == nil {
		runs = []NextRun{}
	}
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.At.In(time.Local).Format(aioctl.DateLayout) + "  in " + aioctl.FormatNextIn(r.At.Sub(now)) + "  " + esc(r.Task) + "\n")
	}
	if len(runs) == 0 {
		b.WriteString("no planned runs\n")
	}
	return &Result{Data: runs, Text: b.String()}, nil
}
