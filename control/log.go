package control

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control/api"
)

// parseWhen reads a point in time: a duration ago ("10m", "1h30m"), a
// local "YYYY-MM-DD HH:MM:SS" (or just the date) or RFC 3339.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("want a duration ago (10m, 2h) or a time (YYYY-MM-DD HH:MM:SS, RFC 3339), got " + strconv.Quote(truncate(s, 40)))
}

func checkLogFlags(c *call) error {
	_, err := logQuery(c, time.Now())
	return err
}

// logQuery builds the aiolog query of a log or follow call.
func logQuery(c *call, now time.Time) (aiolog.Query, error) {
	var q aiolog.Query
	bad := func(flag, msg string) error {
		return errorf(CodeBadArgument, c.verb.Name+": --"+flag+": "+msg)
	}
	if len(c.args) == 1 {
		q.Grep = c.args[0]
	}
	if c.has("regexp") {
		if len(c.args) == 1 && q.Grep == "" {
			return q, bad("regexp", "the GREP is empty (it would match every line): give a pattern, or leave --regexp out")
		}
		if q.Grep == "" {
			return q, bad("regexp", "needs a GREP argument: "+c.verb.Name+" -E 'PATTERN'")
		}
		q.Mode = aiolog.Regexp
	}
	if v, ok := c.flag("task"); ok {
		if err := api.CheckName(v); err != nil || strings.Contains(v, "*") {
			return q, bad("task", "want a task name, got "+strconv.Quote(truncate(v, 40)))
		}
		q.Task = v
	}
	if v, ok := c.flag("level"); ok {
		l, err := aiolog.ParseLevel(v)
		if err != nil {
			return q, bad("level", "want DEBUG, INFO, WARN, ERROR or CRIT, got "+strconv.Quote(truncate(v, 20)))
		}
		q.MinLevel = l
	}
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if v, ok := c.flag(f.name); ok {
			t, err := parseWhen(v, now)
			if err != nil {
				return q, bad(f.name, err.Error())
			}
			*f.t = t
		}
	}
	if v, ok := c.flag("lines"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return q, bad("lines", "want a count of 0 or more, got "+strconv.Quote(truncate(v, 20)))
		}
		q.Tail = n
	} else if c.verb.Name == "log" && c.has("follow") {
		q.Tail = 10
	}
	if q.Grep != "" || q.Mode == aiolog.Regexp {
		// Compile now so that a bad pattern is a bad argument, not a failure later.
		if _, err := aiolog.New(aiolog.MinBudget).Lines(aiolog.Query{Grep: q.Grep, Mode: q.Mode}); err != nil {
			return q, errorf(CodeBadArgument, c.verb.Name+": GREP: "+err.Error())
		}
	}
	return q, nil
}

func runLog(ctx context.Context, in *Interp, c *call) (*Result, error) {
	q, err := logQuery(c, in.c.Group.Clock().Now())
	if err != nil {
		return nil, err
	}
	if err := in.checkLogTask(q.Task); err != nil {
		return nil, err
	}
	lines, err := in.c.Log.Lines(q)
	if err != nil {
		return nil, errorf(CodeBadArgument, "log: "+err.Error())
	}
	if v, ok := c.flag("lines"); ok && v == "0" {
		lines = nil // -n 0: no lines (the query's Tail 0 means all)
	}
	if c.opt.JSON {
		// aiolog.Line's own JSON is the wire form: level as its word, and a
		// lost-lines notice as time, text and lost only.
		return &Result{Data: lines}, nil
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(esc(l.Text)) // stored escaped; esc keeps it so
		b.WriteByte('\n')
	}
	return &Result{Text: b.String()}, nil
}

func streamLog(ctx context.Context, in *Interp, c *call, fn func(Event) error) error {
	q, err := logQuery(c, in.c.Group.Clock().Now())
	if err != nil {
		return err
	}
	if err := in.checkLogTask(q.Task); err != nil {
		return err
	}
	return in.c.Log.Follow(ctx, q, func(l aiolog.Line) error {
		ev := Event{Seq: l.Seq, Text: l.Text, Task: l.Task, Lost: l.Lost}
		if l.Lost == 0 {
			ev.Level = aiolog.LevelName(l.Level)
		}
		return fn(ev)
	})
}

// checkLogTask reports a --task that names no task and has no line in the
// log (a deleted task's lines stay readable) as not_found, with the task
// names close to it.
func (in *Interp) checkLogTask(task string) error {
	if task == "" {
		return nil
	}
	names := in.c.Group.Names()
	if slices.Contains(names, task) {
		return nil
	}
	if lines, err := in.c.Log.Lines(aiolog.Query{Task: task, Tail: 1}); err == nil && len(lines) > 0 {
		return nil
	}
	return errorf(CodeNotFound, "no task "+strconv.Quote(task)+":"+orSay(api.DidYouMean(api.Suggest(task, names), esc), " try status for the task names"))
}

func orSay(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}

// LogLevelData is one task's line of "log level": its level and where the
// level comes from (From: the name or pattern set for it, "" for the
// program's default; Inherited: From names a parent, NAME.service for
// NAME.service.CHILD).
type LogLevelData struct {
	Task      string `json:"task"`
	Level     string `json:"level"`
	From      string `json:"from,omitempty"`
	Inherited bool   `json:"inherited,omitempty"`
}

// inheritWord, given as the level, removes a name's own level: it takes its
// parent's (or the default) again.
const inheritWord = "inherit"

// runLogLevel shows the levels of the tasks matching the pattern (all
// without one) or, given a level, sets it for the pattern first.
func runLogLevel(ctx context.Context, in *Interp, c *call) (*Result, error) {
	lv := in.c.Log.Levels()
	pattern := ""
	if len(c.args) > 0 {
		pattern = c.args[0]
	}
	names := in.logLevelNames(pattern)
	if pattern != "" && len(names) == 0 {
		return nil, errorf(CodeNotFound, "log level: no task matches "+strconv.Quote(truncate(pattern, 60))+":"+
			orSay(api.DidYouMean(api.Suggest(pattern, in.logLevelNames("")), esc), " try log level for the task names"))
	}
	var head string
	if len(c.args) == 2 {
		word := c.args[1]
		if strings.EqualFold(word, inheritWord) {
			lv.Unset(pattern)
			head = "log level of " + esc(pattern) + ": inherited\n"
		} else {
			level, err := aiolog.ParseLevel(word)
			if err != nil {
				return nil, errorf(CodeBadArgument, "log level: "+err.Error()+" (or "+inheritWord+")")
			}
			if err := lv.Set(pattern, level); err != nil {
				return nil, errorf(CodeTooLarge, "log level: "+err.Error())
			}
			head = "log level of " + esc(pattern) + ": " + aiolog.LevelName(level) + "\n"
		}
	}
	rows := make([]LogLevelData, 0, len(names))
	var b strings.Builder
	b.WriteString(head)
	width := 0
	for _, n := range names {
		width = max(width, len(esc(n)))
	}
	for _, n := range names {
		level, src := lv.Lookup(n)
		row := LogLevelData{Task: n, Level: aiolog.LevelName(level), From: src.Pattern, Inherited: src.Inherited}
		rows = append(rows, row)
		from := "default"
		switch {
		case src.Pattern == n:
			from = "set"
		case src.Inherited:
			from = "from " + esc(src.Pattern)
		case src.Pattern != "":
			from = "set by " + esc(src.Pattern)
		}
		e := esc(n)
		b.WriteString(e + strings.Repeat(" ", width-len(e)) + "  " + row.Level + strings.Repeat(" ", 6-len(row.Level)) + from + "\n")
	}
	return &Result{Data: rows, Text: b.String()}, nil
}

// logLevelNames returns the task names "log level" shows for pattern
// (every one when ""): those of the group's tasks and of the tasks that
// made a logger that match it, or whose parent does (the children of
// NAME.service), sorted.
func (in *Interp) logLevelNames(pattern string) []string {
	all := append(in.c.Group.Names(), in.c.Log.Levels().Known()...)
	slices.Sort(all)
	all = slices.Compact(all)
	if pattern == "" {
		return all
	}
	var out []string
	for _, n := range all {
		for p := n; ; {
			if aioctl.Match(pattern, p) {
				out = append(out, n)
				break
			}
			dot := strings.LastIndexByte(p, '.')
			if dot < 0 {
				break
			}
			p = p[:dot]
		}
	}
	return out
}

// runErrlog prints the error log file's last lines (all without -n),
// escaped: the file is anyone's to edit.
func runErrlog(ctx context.Context, in *Interp, c *call) (*Result, error) {
	f := in.c.ErrorLog
	if f == nil {
		return nil, errorf(CodeNotAvailable, "errlog: this program keeps no error log (aiotools run and demo: --error-log FILE; a program: Components.ErrorLog)")
	}
	n := 0
	if v, ok := c.flag("lines"); ok {
		n, _ = strconv.Atoi(v) // a whole number: checked by checkIntFlags
		// Tail reads a count below 1 as "all": refuse it, as log does.
		if n < 0 {
			return nil, errorf(CodeBadArgument, "errlog: --lines: want a count of 0 or more, got "+strconv.Quote(truncate(v, 20)))
		}
		if n == 0 {
			return &Result{Data: []string{}}, nil
		}
	}
	lines, err := f.Tail(n)
	if err != nil {
		return nil, errorf(CodeIOError, "errlog: "+err.Error())
	}
	if lines == nil {
		lines = []string{}
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(esc(l) + "\n")
	}
	return &Result{Data: lines, Text: b.String()}, nil
}
