package aiolog

// The JSON form of a line (HandlerOptions.JSON): one object per line,
//
//	{"time":"2015-01-01T00:00:19Z","logger":"pyb","level":"INFO","task":"hello_task","msg":"LED 3 toggled!","led":3}
//
// written by hand, like the text form, rather than through encoding/json:
// no reflection on the logging path. Strings are escaped for JSON and for
// the terminal (see Escape), so a stored line is safe to print as is.

import (
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// appendJSONHead appends `{"time":…,"logger":…,"level":…`.
func (h *Handler) appendJSONHead(b []byte, ts time.Time, l slog.Level) []byte {
	b = append(b, `{"time":"`...)
	b = ts.In(h.loc).AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","logger":`...)
	b = appendJSONString(b, h.name)
	b = append(b, `,"level":"`...)
	b = append(b, LevelName(l)...)
	return append(b, '"')
}

// appendJSONMsg appends `,"msg":…`.
func appendJSONMsg(b []byte, msg string) []byte {
	b = append(b, `,"msg":`...)
	return appendJSONString(b, msg)
}

// appendJSONTask appends `,"task":"…"` and returns where the name starts in
// what it appended and how long it is.
func appendJSONTask(b []byte, task slog.Value) (out []byte, off, n int) {
	b = append(b, `,"task":"`...)
	at := len(b)
	b = appendJSONValueText(b, task)
	n = len(b) - at
	return append(b, '"'), len(`,"task":"`), n
}

// appendJSONAttr appends `,"prefixkey":value`.
func appendJSONAttr(b []byte, prefix, key string, v slog.Value) []byte {
	b = append(b, ',', '"')
	b = appendJSONBody(b, prefix)
	b = appendJSONBody(b, key)
	b = append(b, '"', ':')
	return appendJSONValue(b, v)
}

// appendJSONValueText appends v as the body of a JSON string: a string
// escaped, any other value in its text form.
func appendJSONValueText(b []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		return appendJSONBody(b, v.String())
	}
	return appendJSONBody(b, string(appendTextValue(nil, v)))
}

// appendJSONValue appends v as a JSON value: numbers and bools bare (NaN
// and infinities, which JSON lacks, as strings), a duration in nanoseconds,
// a time as an RFC 3339 string, anything else as a string.
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
// terminal: slog's JSONHandler's escaping, plus DEL, C1 and bidi controls
// as \uNNNN (termsafe.JSONEscapeTerm).
func appendJSONString(b []byte, s string) []byte {
	return termsafe.AppendJSONString(b, s, termsafe.JSONEscapeTerm)
}

// appendJSONBody appends s escaped for a JSON string, without quotes.
func appendJSONBody(b []byte, s string) []byte {
	return termsafe.AppendJSONBody(b, s, termsafe.JSONEscapeTerm)
}
