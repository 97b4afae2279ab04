package aiolog

import (
	"context"
	"log/slog"
	"time"
)

// HandlerOptions configures a Handler. The zero value is valid.
type HandlerOptions struct {
	// Name is the logger name printed as the first bracket; empty means the
	// ring's name (WithName, default "pyb").
	Name string
	// Level fixes the minimum level handled. nil (the default) means the
	// ring's task levels (Ring.Levels): each line is checked against the
	// level of its task, which "log level" changes while the program runs.
	Level slog.Leveler
	// Location is the time zone of printed times; nil means the ring's
	// (WithLocation, default time.Local).
	Location *time.Location
	// JSON makes the handler store each line as a JSON object
	// {"time":…,"logger":…,"level":…,"task":…,"msg":…,…} instead of the
	// seed's text form. Attributes in groups get dotted keys.
	JSON bool
}

// Handler is a slog.Handler that stores each record as one line in a Ring,
// by default in the seed's text format (text_handler.go; HandlerOptions.JSON
// gives JSON objects, json_handler.go):
//
//	2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled! led=3
//
// that is: the local time, the logger name, the level (DEBUG, INFO, WARN,
// ERROR or CRIT), the value of the TaskKey attribute (outside any group) as a
// bracket (left out when there is none), the message, and the other attributes as key=value,
// group names joined to keys with dots. Strings that are empty or contain
// spaces, '=', '"' or anything but printable ASCII are quoted. The message is
// escaped for the terminal (see Escape).
//
// The line's time is the record's time, or the ring's clock when the ring
// was made WithClock (or the record has none). Handling a record with
// string, number, bool and time attributes allocates nothing.
type Handler struct {
	r        *Ring
	name     string
	level    slog.Leveler // HandlerOptions.Level; unused when levels is set
	levels   *Levels      // the ring's task levels, unless Level was given
	cell     *levelCell   // the level of the task set by WithAttrs
	loc      *time.Location
	json     bool
	task     slog.Value // task set by WithAttrs
	hasTk    bool
	pre      []byte // attributes formatted by WithAttrs
	stamps   *stampCache
	namePart string // " [name] ["
	prefix   string // open groups, "a.b."
}

// Handler returns a slog.Handler that writes into r. opts may be nil.
func (r *Ring) Handler(opts *HandlerOptions) *Handler {
	h := &Handler{r: r, name: r.name, level: slog.LevelInfo, loc: r.loc, stamps: new(stampCache)}
	if opts != nil {
		if opts.Name != "" {
			h.name = opts.Name
		}
		if opts.Level != nil {
			h.level = opts.Level
		}
		if opts.Location != nil {
			h.loc = opts.Location
		}
		h.json = opts.JSON
	}
	if opts == nil || opts.Level == nil {
		h.levels = r.levels
	}
	h.namePart = " [" + Escape(h.name) + "] ["
	return h
}

// Logger returns a *slog.Logger writing into r with the default handler
// options.
func (r *Ring) Logger() *slog.Logger { return slog.New(r.Handler(nil)) }

// Enabled reports whether level is at or above the handler's level: the
// fixed HandlerOptions.Level, the level of the handler's task (set by
// WithAttrs), or else the lowest level a task has (Handle then checks the
// line's task).
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	switch {
	case h.cell != nil:
		return level >= h.cell.level()
	case h.levels != nil:
		return level >= h.levels.minLevel()
	}
	return level >= h.level.Level()
}

// admits reports whether a record at level passes the level of its task,
// found in rec when the handler has none of its own.
func (h *Handler) admits(rec *slog.Record) bool {
	switch {
	case h.cell != nil:
		return rec.Level >= h.cell.level()
	case h.levels == nil:
		return rec.Level >= h.level.Level()
	case rec.Level >= h.levels.Default() && h.levels.nEnt.Load() == 0:
		return true
	}
	task, hasTask := h.task, h.hasTk
	if !hasTask && h.prefix == "" && rec.NumAttrs() > 0 {
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == TaskKey {
				task, hasTask = a.Value.Resolve(), true
				return false
			}
			return true
		})
	}
	if !hasTask || task.Kind() != slog.KindString {
		return rec.Level >= h.levels.Default()
	}
	return rec.Level >= h.levels.level(task.String())
}

// WithAttrs returns a handler whose lines carry attrs. A top-level attribute
// with key TaskKey sets the task.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	h2.pre = append([]byte(nil), h.pre...)
	for _, a := range attrs {
		if h.prefix == "" && a.Key == TaskKey {
			h2.task, h2.hasTk = a.Value.Resolve(), true
			if h.levels != nil && h2.task.Kind() == slog.KindString {
				h2.cell = h.levels.cell(h2.task.String())
			}
			continue
		}
		h2.pre = h2.appendAttr(h2.pre, h.prefix, a)
	}
	return &h2
}

// WithGroup returns a handler that prefixes the keys of later attributes
// with name and a dot.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

// handle formats rec into b and stores it in the ring, returning b. The
// text and JSON forms share the order of work; the pieces they differ in
// are in text_handler.go and json_handler.go.
func (h *Handler) handle(rec slog.Record, b []byte) []byte {
	if !h.admits(&rec) {
		return b
	}
	ts := rec.Time
	if h.r.fixedTS || ts.IsZero() {
		ts = h.r.now()
	}
	if h.json {
		b = h.appendJSONHead(b, ts, rec.Level)
	} else {
		b = h.appendTextHead(b, ts, rec.Level)
	}
	// The message and attributes are formatted in one pass; the task, found
	// on the way, is then moved in front of the message.
	msgAt := len(b)
	if h.json {
		b = appendJSONMsg(b, rec.Message)
	} else {
		b = appendEscaped(b, rec.Message)
	}
	b = append(b, h.pre...)
	task, hasTask := h.task, h.hasTk
	if rec.NumAttrs() > 0 {
		findTask := h.prefix == ""
		rec.Attrs(func(a slog.Attr) bool {
			if findTask && a.Key == TaskKey {
				findTask = false
				task, hasTask = a.Value.Resolve(), true
				return true
			}
			b = h.appendAttr(b, h.prefix, a)
			return true
		})
	}
	if h.json {
		b = append(b, '}')
	}
	var toff, tlen int
	if hasTask {
		tAt := len(b)
		if h.json {
			b, toff, tlen = appendJSONTask(b, task)
		} else {
			b, toff, tlen = appendTextTask(b, task)
		}
		b = moveBack(b, msgAt, tAt)
		toff += msgAt
	}
	h.r.writeLine(ts.UnixNano(), rec.Level, toff, tlen, b)
	return b
}

// moveBack moves b[from:] to position to, shifting b[to:from] after it.
func moveBack(b []byte, to, from int) []byte {
	var a [300]byte
	var tmp []byte
	if len(b)-from <= len(a) {
		tmp = a[:copy(a[:], b[from:])]
	} else {
		tmp = append([]byte(nil), b[from:]...)
	}
	copy(b[to+len(tmp):], b[to:from])
	copy(b[to:], tmp)
	return b
}

// appendAttr appends " key=value" (or ,"key":value) for a, expanding groups.
func (h *Handler) appendAttr(b []byte, prefix string, a slog.Attr) []byte {
	v := a.Value
	k := v.Kind()
	if k == slog.KindLogValuer {
		v = v.Resolve()
		k = v.Kind()
	}
	switch k {
	case slog.KindGroup:
		attrs := v.Group()
		if len(attrs) == 0 {
			return b
		}
		if a.Key != "" {
			prefix = prefix + a.Key + "."
		}
		for _, ga := range attrs {
			b = h.appendAttr(b, prefix, ga)
		}
		return b
	case slog.KindAny:
		if a.Key == "" && v.Any() == nil {
			return b
		}
	}
	if h.json {
		return appendJSONAttr(b, prefix, a.Key, v)
	}
	return appendTextAttr(b, prefix, a.Key, v)
}
