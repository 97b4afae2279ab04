package aiolog

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// HandlerOptions configures a Handler. The zero value is valid.
type HandlerOptions struct {
	// Name is the logger name printed as the first bracket; empty means the
	// ring's name (WithName, default "pyb").
	Name string
	// Level is the minimum level handled; nil means slog.LevelInfo.
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
// in the seed's format:
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
	level    slog.Leveler
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
	h.namePart = " [" + Escape(h.name) + "] ["
	return h
}

// Logger returns a *slog.Logger writing into r with the default handler
// options.
func (r *Ring) Logger() *slog.Logger { return slog.New(r.Handler(nil)) }

// Enabled reports whether level is at or above the handler's level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
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

// handle formats rec into b and stores it in the ring, returning b.
func (h *Handler) handle(rec slog.Record, b []byte) []byte {
	ts := rec.Time
	if h.r.fixedTS || ts.IsZero() {
		ts = h.r.now()
	}
	if h.json {
		b = append(b, `{"time":"`...)
		b = ts.In(h.loc).AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","logger":`...)
		b = appendJSONString(b, h.name)
		b = append(b, `,"level":"`...)
		b = append(b, LevelName(rec.Level)...)
		b = append(b, '"')
	} else {
		b = h.stamps.append(b, ts, h.loc)
		b = append(b, h.namePart...)
		b = append(b, LevelName(rec.Level)...)
		b = append(b, "] "...)
	}
	// The message and attributes are formatted in one pass; the task, found
	// on the way, is then moved in front of the message.
	msgAt := len(b)
	if h.json {
		b = append(b, `,"msg":`...)
		b = appendJSONString(b, rec.Message)
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
			b = append(b, `,"task":"`...)
			toff = len(b) - tAt
			b = appendJSONValueText(b, task)
			tlen = len(b) - tAt - toff
			b = append(b, '"')
		} else {
			b = append(b, '[')
			toff = 1
			b = appendTextValueRaw(b, task)
			tlen = len(b) - tAt - 1
			b = append(b, "] "...)
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
		b = append(b, ',', '"')
		b = appendJSONBody(b, prefix)
		b = appendJSONBody(b, a.Key)
		b = append(b, '"', ':')
		return appendJSONValue(b, v)
	}
	b = append(b, ' ')
	if prefix != "" {
		b = appendEscaped(b, prefix)
	}
	b = appendEscaped(b, a.Key)
	b = append(b, '=')
	return appendTextValue(b, v)
}

// stampCache keeps the last formatted second, shared by a handler and
// those derived from it.
type stampCache struct{ p atomic.Pointer[stamp] }

type stamp struct {
	sec  int64
	loc  *time.Location
	text [19]byte
}

// append appends t in loc as "YYYY-MM-DD HH:MM:SS", reusing the text of the
// last second formatted.
func (c *stampCache) append(b []byte, t time.Time, loc *time.Location) []byte {
	sec := t.Unix()
	if s := c.p.Load(); s != nil && s.sec == sec && s.loc == loc {
		return append(b, s.text[:]...)
	}
	s := &stamp{sec: sec, loc: loc}
	appendStamp(s.text[:0], t, loc)
	c.p.Store(s)
	return append(b, s.text[:]...)
}

// appendStamp appends t in loc as "YYYY-MM-DD HH:MM:SS".
func appendStamp(b []byte, t time.Time, loc *time.Location) []byte {
	if loc != nil {
		t = t.In(loc)
	}
	y, mo, d := t.Date()
	hh, mm, ss := t.Clock()
	if y < 0 || y > 9999 {
		y = 0
	}
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-',
		byte('0'+d/10), byte('0'+d%10), ' ',
		byte('0'+hh/10), byte('0'+hh%10), ':',
		byte('0'+mm/10), byte('0'+mm%10), ':',
		byte('0'+ss/10), byte('0'+ss%10))
}

// needsQuote reports whether a text value must be quoted.
func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '=' || c == '"' {
			return true
		}
	}
	return false
}

// appendTextValueRaw appends v for the task bracket: a string escaped but
// not quoted, any other value as appendTextValue does.
func appendTextValueRaw(b []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		return appendEscaped(b, v.String())
	}
	return appendTextValue(b, v)
}

func appendTextValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if needsQuote(s) {
			return strconv.AppendQuote(b, s)
		}
		return append(b, s...)
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return appendDuration(b, v.Duration())
	case slog.KindTime:
		return v.Time().AppendFormat(b, time.RFC3339Nano)
	}
	s := anyString(v.Any())
	if needsQuote(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func appendJSONValueText(b []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		return appendJSONBody(b, v.String())
	}
	return appendJSONBody(b, string(appendTextValue(nil, v)))
}

func appendJSONValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b = append(b, '"')
			b = strconv.AppendFloat(b, f, 'g', -1, 64)
			return append(b, '"')
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(b, int64(v.Duration()), 10)
	case slog.KindTime:
		b = append(b, '"')
		b = v.Time().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	return appendJSONString(b, anyString(v.Any()))
}

// appendJSONString appends s as a JSON string, escaped for JSON and for the
// terminal.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONBody(b, s)
	return append(b, '"')
}

func appendJSONBody(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '"' && s[j] != '\\' {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = appendU(b, rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\ufffd`...)
		case unsafeRune(r) || r == 0x2028 || r == 0x2029:
			b = appendU(b, r)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// appendDuration appends d as time.Duration.String does, without allocating.
func appendDuration(b []byte, d time.Duration) []byte {
	var a [32]byte
	return append(b, formatDuration(a[:0], d)...)
}

func formatDuration(b []byte, d time.Duration) []byte {
	if d == 0 {
		return append(b, '0', 's')
	}
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = -u
	}
	if u < uint64(time.Second) {
		var unit string
		var div uint64
		switch {
		case u < uint64(time.Microsecond):
			b = strconv.AppendUint(b, u, 10)
			return append(b, 'n', 's')
		case u < uint64(time.Millisecond):
			unit, div = "µs", 1e3
		default:
			unit, div = "ms", 1e6
		}
		b = appendFrac(b, u, div)
		return append(b, unit...)
	}
	h := u / uint64(time.Hour)
	u -= h * uint64(time.Hour)
	m := u / uint64(time.Minute)
	u -= m * uint64(time.Minute)
	if h > 0 {
		b = strconv.AppendUint(b, h, 10)
		b = append(b, 'h')
	}
	if h > 0 || m > 0 {
		b = strconv.AppendUint(b, m, 10)
		b = append(b, 'm')
	}
	b = appendFrac(b, u, 1e9)
	return append(b, 's')
}

// appendFrac appends u/div with the fraction's trailing zeros removed.
func appendFrac(b []byte, u, div uint64) []byte {
	b = strconv.AppendUint(b, u/div, 10)
	f := u % div
	if f == 0 {
		return b
	}
	b = append(b, '.')
	for div /= 10; div > 0 && f > 0; div /= 10 {
		b = append(b, byte('0'+f/div))
		f %= div
	}
	return b
}
