package aioctl

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// The JSON of a status, written by hand: a status request of a hundred
// tasks went through encoding/json's reflection once per task, with a
// wrapper struct, a time.Time MarshalJSON and a MarshalText per field, some
// nine allocations a task. AppendJSON writes the very bytes json.Marshal
// wrote (TestAppendJSONMatchesEncodingJSON holds it, field by field),
// without them.

// MarshalJSON leaves out the times that are not set (a task that never
// ended has no "ended"), rather than printing Go's zero time.
func (st TaskStatus) MarshalJSON() ([]byte, error) { return st.AppendJSON(nil) }

// MarshalJSON leaves out Last before the first run and Next when nothing
// is planned.
func (s ScheduleInfo) MarshalJSON() ([]byte, error) { return s.appendJSON(nil) }

// AppendJSON appends the status's JSON, as MarshalJSON returns it, to dst.
// Strings are escaped as encoding/json escapes them (HTML characters
// included); the error is that of an argument that is not valid JSON, or
// a time that JSON cannot hold.
func (st *TaskStatus) AppendJSON(dst []byte) ([]byte, error) {
	var err error
	b := append(dst, `{"name":`...)
	b = appendJSONString(b, st.Name)
	b = append(b, `,"group":`...)
	b = appendJSONString(b, st.Group)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, st.State.String())
	if st.Starting {
		b = append(b, `,"starting":true`...)
	}
	b = append(b, `,"runtime_ns":`...)
	b = strconv.AppendInt(b, int64(st.Runtime), 10)
	b = append(b, `,"result":`...)
	b = appendJSONString(b, st.ResultText)
	b = appendStringField(b, "error", st.Error)
	b = appendStringField(b, "error_type", st.ErrorType)
	b = appendStringField(b, "traceback", st.Traceback)
	if st.Unresponsive {
		b = append(b, `,"unresponsive":true`...)
	}
	b = append(b, `,"restart":`...)
	b = appendJSONString(b, st.Restart.String())
	if st.Restarts != 0 {
		b = append(b, `,"restarts":`...)
		b = strconv.AppendInt(b, int64(st.Restarts), 10)
	}
	b = appendStringField(b, "func", st.Func)
	if b, err = appendRawField(b, "args", st.Args); err != nil {
		return dst, err
	}
	if b, err = appendRawField(b, "pending_args", st.PendingArgs); err != nil {
		return dst, err
	}
	if st.Schedule != nil {
		b = append(b, `,"schedule":`...)
		if b, err = st.Schedule.appendJSON(b); err != nil {
			return dst, err
		}
	}
	if sv := st.Service; sv != nil {
		b = append(b, `,"service":{`...)
		n := len(b)
		b = appendStringField(b, "description", sv.Description)
		b = appendStringField(b, "loaded", sv.Loaded)
		b = appendStringField(b, "type", sv.Type)
		b = appendStringField(b, "docs", sv.Docs)
		b = appendStringField(b, "stats_title", sv.StatsTitle)
		b = appendStringField(b, "stats", sv.Stats)
		if len(b) > n { // the fields above each began with a comma
			copy(b[n:], b[n+1:])
			b = b[:len(b)-1]
		}
		b = append(b, '}')
	}
	if len(st.Log) > 0 {
		b = append(b, `,"log":[`...)
		for i, l := range st.Log {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, l)
		}
		b = append(b, ']')
	}
	if len(st.Children) > 0 {
		b = append(b, `,"children":[`...)
		for i := range st.Children {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = st.Children[i].appendJSON(b); err != nil {
				return dst, err
			}
		}
		b = append(b, ']')
	}
	if b, err = appendRawField(b, "stats", st.Stats); err != nil {
		return dst, err
	}
	b = appendStringField(b, "stats_error", st.StatsError)
	for _, f := range [...]struct {
		name string
		t    time.Time
	}{{"since", st.Since}, {"ended", st.Ended}, {"next_restart", st.NextRestart}} {
		if b, err = appendTimeField(b, f.name, f.t); err != nil {
			return dst, err
		}
	}
	return append(b, '}'), nil
}

// MarshalJSON leaves out the times that are not set, as TaskStatus does.
func (c ChildStatus) MarshalJSON() ([]byte, error) { return c.appendJSON(nil) }

func (c *ChildStatus) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, c.State.String())
	if b, err = appendTimeField(b, "since", c.Since); err != nil {
		return b, err
	}
	if b, err = appendTimeField(b, "ended", c.Ended); err != nil {
		return b, err
	}
	b = append(b, `,"result":`...)
	b = appendJSONString(b, c.ResultText)
	b = appendStringField(b, "error", c.Error)
	if c.Unresponsive {
		b = append(b, `,"unresponsive":true`...)
	}
	return append(b, '}'), nil
}

func (s *ScheduleInfo) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"opts":`...)
	if s.Opts == "" { // omitempty: the object starts with skipped
		b = b[:len(b)-len(`"opts":`)]
	} else {
		b = appendJSONString(b, s.Opts)
		b = append(b, ',')
	}
	b = append(b, `"skipped":`...)
	b = strconv.AppendInt(b, int64(s.Skipped), 10)
	if s.Missed != 0 {
		b = append(b, `,"missed":`...)
		b = strconv.AppendInt(b, int64(s.Missed), 10)
	}
	if s.Paused {
		b = append(b, `,"paused":true`...)
	}
	if s.Done {
		b = append(b, `,"done":true`...)
	}
	if b, err = appendTimeField(b, "last", s.Last); err != nil {
		return b, err
	}
	if b, err = appendTimeField(b, "next", s.Next); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendStringField appends ,"name":"value" unless value is empty (omitempty).
func appendStringField(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return appendJSONString(b, value)
}

// appendTimeField appends ,"name":"RFC 3339" unless t is zero, as
// time.Time's MarshalJSON writes it.
func appendTimeField(b []byte, name string, t time.Time) ([]byte, error) {
	if t.IsZero() {
		return b, nil
	}
	if y := t.Year(); y < 0 || y >= 10000 {
		_, err := t.MarshalJSON() // its error names the year
		return b, err
	}
	b = append(append(append(b, `,"`...), name...), `":"`...)
	return append(t.AppendFormat(b, time.RFC3339Nano), '"'), nil
}

// appendRawField appends ,"name":raw, compacted and HTML-escaped as
// encoding/json writes a json.RawMessage, unless raw is empty. Only debug
// status carries arguments, so the buffer this needs is no hot path.
func appendRawField(b []byte, name string, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return b, nil
	}
	var c, h bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return b, err
	}
	json.HTMLEscape(&h, c.Bytes())
	b = append(append(append(b, `,"`...), name...), `":`...)
	return append(b, h.Bytes()...), nil
}

// appendJSONString is encoding/json's string encoding with HTML escaping,
// as json.Marshal does it (termsafe.JSONStd).
func appendJSONString(dst []byte, s string) []byte {
	return termsafe.AppendJSONString(dst, s, termsafe.JSONStd)
}
