package control

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control/api"
)

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
		return nil, errorf(CodeNotAvailable, "errlog: this program keeps no error log (aiotools run --error-log FILE)")
	}
	n := 0
	if v, ok := c.flag("lines"); ok {
		n, _ = strconv.Atoi(v) // checked by checkIntFlags
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
