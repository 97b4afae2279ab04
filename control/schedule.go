package control

import (
	"context"
	"encoding/json"
	"errors"
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
		if e.Done {
			next = "--> " + aioctl.ScheduleDoneText
		} else if !e.Next.IsZero() {
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

// checkScheduleNext checks schedule next's [NAME] [N]: one argument that
// is a number is N.
func checkScheduleNext(c *call) error {
	n := ""
	switch {
	case len(c.args) == 2:
		n = c.args[1]
	case len(c.args) == 1 && isDigits(c.args[0]):
		n = c.args[0]
	}
	if n == "" {
		return nil
	}
	if v, err := strconv.Atoi(n); err != nil || v < 1 || v > 1000 {
		return errorf(CodeBadArgument, c.verb.Name+": want a count from 1 to 1000, got "+strconv.Quote(truncate(n, 40)))
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func runScheduleNext(ctx context.Context, in *Interp, c *call) (*Result, error) {
	n, task := 10, ""
	switch {
	case len(c.args) == 2:
		task = c.args[0]
		n, _ = strconv.Atoi(c.args[1])
	case len(c.args) == 1 && isDigits(c.args[0]):
		n, _ = strconv.Atoi(c.args[0])
	case len(c.args) == 1:
		task = c.args[0]
	}
	now := in.c.Group.Clock().Now()
	var runs []NextRun
	if task != "" {
		ats, err := in.c.Scheduler.NextRuns(task, n)
		if err != nil {
			if _, ok := in.c.Group.Get(task); !ok {
				err = &aioctl.NotFoundError{Pattern: task}
			}
			return nil, oneLine(err)
		}
		for _, at := range ats {
			runs = append(runs, NextRun{Task: task, At: at})
		}
	} else {
		for _, e := range in.c.Scheduler.List() {
			if !e.Next.IsZero() {
				runs = append(runs, NextRun{Task: e.Task, At: e.Next})
			}
		}
		sort.SliceStable(runs, func(i, j int) bool { return runs[i].At.Before(runs[j].At) })
	}
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

// ScheduleSetData is the result of schedule set: the task's schedule as
// schedule list shows it, and whether services.config was written.
type ScheduleSetData struct {
	aioschedule.Entry
	Saved bool `json:"saved,omitempty"`
}

// serviceOfTask is the service whose main task is task, for --save; an
// error when the task is not a service's or the program has no services.
func (in *Interp) serviceOfTask(verb, task string) (string, error) {
	if in.c.Services == nil {
		return "", errorf(CodeNotAvailable, verb+" --save: this program has no services (and no services.config)")
	}
	name := serviceName(task)
	if name != task {
		for _, n := range in.serviceNames() {
			if n == name {
				return name, nil
			}
		}
	}
	return "", errorf(CodeBadArgument, verb+" --save: "+strconv.Quote(task)+" is not a service's task (NAME.service): only services have a config entry")
}

func runScheduleSet(ctx context.Context, in *Interp, c *call) (*Result, error) {
	task, raw := c.args[0], []byte(strings.TrimSpace(c.args[1]))
	// Everything is checked before anything changes: the spec, the task,
	// the service to save to; then the config file (which refuses a change
	// that would make it invalid), then the scheduler.
	var spec aioschedule.Spec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, errorf(CodeBadArgument, c.verb.Name+": "+err.Error())
	}
	if err := spec.Validate(); err != nil {
		return nil, errorf(CodeBadArgument, c.verb.Name+": "+err.Error())
	}
	// "repeat": 0 would be a one-shot that stays listed with no next run;
	// a one-shot is written without repeat, so 0 is refused by name.
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) == nil && keys["repeat"] != nil && spec.Repeat == 0 && string(keys["repeat"]) != "null" {
		return nil, errorf(CodeBadArgument, c.verb.Name+": field \"repeat\": 0 means no repeat: leave repeat out for a single run")
	}
	if _, ok := in.c.Group.Get(task); !ok {
		return nil, oneLine(&aioctl.NotFoundError{Pattern: task})
	}
	saved := false
	if c.has("save") {
		svc, err := in.serviceOfTask(c.verb.Name, task)
		if err != nil {
			return nil, err
		}
		if err := in.c.Services.ReplaceConfig(svc, []byte(`{"schedule": `+string(raw)+`}`)); err != nil {
			return nil, serviceErr(err)
		}
		saved = true
	}
	if err := in.c.Scheduler.Schedule(task, spec); err != nil {
		return nil, oneLine(err)
	}
	d := ScheduleSetData{Saved: saved}
	for _, e := range in.c.Scheduler.List() {
		if e.Task == task {
			d.Entry = e
		}
	}
	text := "scheduled " + esc(task) + ": " + esc(d.Spec.String())
	switch now := in.c.Group.Clock().Now(); {
	case d.Next.IsZero():
	case !d.Next.After(now): // due now: "next in the past by 0 s" reads as a fault
		text += "; runs now"
	default:
		text += "; next in " + aioctl.FormatNextIn(d.Next.Sub(now)) + " @ " + d.Next.In(time.Local).Format(aioctl.DateLayout)
	}
	if saved {
		text += " (saved to services.config)"
	}
	return &Result{Data: d, Text: text + "\n"}, nil
}

func runScheduleRm(ctx context.Context, in *Interp, c *call) (*Result, error) {
	var names, removed []string
	for _, e := range in.c.Scheduler.List() {
		names = append(names, e.Task)
	}
	save := c.has("save")
	var targets []string
	for _, n := range names {
		if !matchAny(c.args, n) {
			continue
		}
		if save { // checked for all before anything changes
			if _, err := in.serviceOfTask(c.verb.Name, n); err != nil {
				return nil, err
			}
		}
		targets = append(targets, n)
	}
	var errs []error
	for _, n := range targets {
		if save {
			svc, _ := in.serviceOfTask(c.verb.Name, n)
			if err := in.c.Services.PatchConfig(svc, []byte(`{"schedule": null}`)); err != nil {
				errs = append(errs, serviceErr(err))
				continue
			}
		}
		if err := in.c.Scheduler.Unschedule(n); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, n)
	}
	errs = append(errs, notFound(c.args, names, "schedule"))
	return namesResult("unscheduled", removed, "nothing unscheduled"), oneLine(errors.Join(errs...))
}
