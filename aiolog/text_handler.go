package aiolog

// The seed's text form of a line, the Handler's default:
//
//	2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled! led=3
//
// Everything here appends to a caller's buffer and, for string, number,
// bool, duration and time values, allocates nothing (TestHandlerZeroAllocs).

import (
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"
)

// appendTextHead appends "YYYY-MM-DD HH:MM:SS [name] [LEVEL] ".
func (h *Handler) appendTextHead(b []byte, ts time.Time, l slog.Level) []byte {
	b = h.stamps.append(b, ts, h.loc)
	b = append(b, h.namePart...)
	b = append(b, LevelName(l)...)
	return append(b, "] "...)
}

// appendTextTask appends the task bracket "[task] " and returns where the
// name starts in what it appended and how long it is.
func appendTextTask(b []byte, task slog.Value) (out []byte, off, n int) {
	at := len(b)
	b = append(b, '[')
	b = appendTextValueRaw(b, task)
	n = len(b) - at - 1
	return append(b, "] "...), 1, n
}

// appendTextAttr appends " prefixkey=value".
func appendTextAttr(b []byte, prefix, key string, v slog.Value) []byte {
	b = append(b, ' ')
	if prefix != "" {
		b = appendEscaped(b, prefix)
	}
	b = appendEscaped(b, key)
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

// appendTextValue appends v as an attribute value: quoted when needsQuote
// says so, a duration as time.Duration.String, a time as RFC 3339.
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
