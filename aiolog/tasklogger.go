package aiolog

import "log/slog"

// TaskLogger is the direct way to log into a Ring: a small typed logger
// for one task, without slog.Logger's per-call costs (the caller's PC,
// boxing ...any arguments, building a Record). It formats exactly as its
// Handler does and allocates nothing for string, number, bool, duration
// and time attributes.
//
//	log := ring.TaskLogger("hello_task")
//	log.Info("LED toggled", slog.Int("led", 3), slog.Bool("on", true))
//
// A line below the task's level (Ring.Levels, or the handler's fixed
// HandlerOptions.Level) costs one atomic load. The task is the logger's:
// an attribute keyed TaskKey is printed as any other. A TaskLogger is safe
// for concurrent use; make it once per task and keep it.
type TaskLogger struct {
	h    *Handler
	cell *levelCell // the task's level; nil: h's fixed level
	task string
	part string // the task as the line carries it: "[task] " or ,"task":"…"
	toff int    // where the name starts in part
	tlen int    // its length
}

// TaskLogger returns a logger for the task named task that writes into r
// with the default handler options (see Ring.Handler).
func (r *Ring) TaskLogger(task string) *TaskLogger { return r.Handler(nil).TaskLogger(task) }

// TaskLogger returns a logger for the task named task that formats like h
// (its name, location, form, groups and attributes) and writes into h's ring.
func (h *Handler) TaskLogger(task string) *TaskLogger {
	l := &TaskLogger{h: h, task: task}
	var b []byte
	if h.json {
		b, l.toff, l.tlen = appendJSONTask(nil, slog.StringValue(task))
	} else {
		b, l.toff, l.tlen = appendTextTask(nil, slog.StringValue(task))
	}
	l.part = string(b)
	if h.levels != nil {
		l.cell = h.levels.cell(task)
	}
	return l
}

// Task returns the logger's task name.
func (l *TaskLogger) Task() string { return l.task }

// Enabled reports whether a line at level would be stored.
func (l *TaskLogger) Enabled(level slog.Level) bool {
	if c := l.cell; c != nil {
		return int64(level) >= c.v.Load()
	}
	return l.enabledSlow(level)
}

func (l *TaskLogger) enabledSlow(level slog.Level) bool {
	if l.h.levels != nil {
		return level >= l.h.levels.level(l.task)
	}
	return level >= l.h.level.Level()
}

// Debug logs msg and attrs at slog.LevelDebug.
func (l *TaskLogger) Debug(msg string, attrs ...slog.Attr) {
	if l.Enabled(slog.LevelDebug) {
		l.emit(slog.LevelDebug, msg, attrs)
	}
}

// Info logs msg and attrs at slog.LevelInfo.
func (l *TaskLogger) Info(msg string, attrs ...slog.Attr) {
	if l.Enabled(slog.LevelInfo) {
		l.emit(slog.LevelInfo, msg, attrs)
	}
}

// Warn logs msg and attrs at slog.LevelWarn.
func (l *TaskLogger) Warn(msg string, attrs ...slog.Attr) {
	if l.Enabled(slog.LevelWarn) {
		l.emit(slog.LevelWarn, msg, attrs)
	}
}

// Error logs msg and attrs at slog.LevelError.
func (l *TaskLogger) Error(msg string, attrs ...slog.Attr) {
	if l.Enabled(slog.LevelError) {
		l.emit(slog.LevelError, msg, attrs)
	}
}

// Log logs msg and attrs at level.
func (l *TaskLogger) Log(level slog.Level, msg string, attrs ...slog.Attr) {
	if l.Enabled(level) {
		l.emit(level, msg, attrs)
	}
}

// format appends the line to b and stores it: the handler's head, the task,
// the message, the handler's and the call's attributes, in one pass.
func (l *TaskLogger) format(b []byte, level slog.Level, msg string, attrs []slog.Attr) []byte {
	h := l.h
	ts := h.r.now()
	if h.json {
		b = h.appendJSONHead(b, ts, level)
	} else {
		b = h.appendTextHead(b, ts, level)
	}
	toff := len(b) + l.toff
	b = append(b, l.part...)
	if h.json {
		b = appendJSONMsg(b, msg)
	} else {
		b = appendEscaped(b, msg)
	}
	b = append(b, h.pre...)
	for _, a := range attrs {
		b = h.appendAttr(b, h.prefix, a)
	}
	if h.json {
		b = append(b, '}')
	}
	h.r.writeLine(ts.UnixNano(), level, toff, l.tlen, b)
	return b
}
