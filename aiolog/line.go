package aiolog

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Line is one line read from a Ring.
//
// Its JSON form is the log verb's wire form (what control's LogLine wrote
// before the verb marshalled Line directly; encoding/json's escapes):
// lower-case names, the level as the word the handler prints
// (LevelName), empty seq, task and lost left out, and for a lost-lines
// notice only time (zero), text and lost:
//
//	{"seq":3,"time":"2015-01-01T00:00:19Z","level":"INFO","task":"net","text":"…"}
//	{"time":"0001-01-01T00:00:00Z","text":"-- 7 lines lost --","lost":7}
//
// Decoding reads the level back with ParseLevel.
type Line struct {
	Seq   uint64     `json:"seq,omitempty"`  // sequence number, 1 for the first line ever written
	Time  time.Time  `json:"time"`           // time stamp
	Level slog.Level `json:"level"`          // level (clamped to int8)
	Task  string     `json:"task,omitempty"` // task name, "" if none
	Text  string     `json:"text"`           // the line as printed, escaped, without newline
	// Lost is not zero for a notice that Lost lines were evicted before the
	// reader could see them; Text is then "-- N lines lost --" and the other
	// fields are zero.
	Lost uint64 `json:"lost,omitempty"`
}

// LostText returns the notice printed for n lost lines.
func LostText(n uint64) string {
	return "-- " + strconv.FormatUint(n, 10) + " lines lost --"
}

// MarshalJSON writes l as described on Line. It is hand-written, like the
// handler's JSON form, because slog.Level's own JSON would print CRIT as
// "ERROR+4" and an in-between level with an offset.
func (l Line) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 64+len(l.Text)+len(l.Task))
	b = append(b, '{')
	if l.Seq != 0 {
		b = append(b, `"seq":`...)
		b = strconv.AppendUint(b, l.Seq, 10)
		b = append(b, ',')
	}
	b = append(b, `"time":"`...)
	b = l.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if l.Lost == 0 {
		b = append(b, `,"level":"`...)
		b = append(b, LevelName(l.Level)...)
		b = append(b, '"')
	}
	if l.Task != "" {
		b = append(b, `,"task":`...)
		b = appendLineString(b, l.Task)
	}
	b = append(b, `,"text":`...)
	b = appendLineString(b, l.Text)
	if l.Lost != 0 {
		b = append(b, `,"lost":`...)
		b = strconv.AppendUint(b, l.Lost, 10)
	}
	return append(b, '}'), nil
}

// appendLineString is appendJSONString with backspace and form feed as
// \b and \f, as encoding/json writes them, so that a Line's JSON is byte
// for byte what control's LogLine (a plain struct) wrote. The handler's
// JSON keeps \u0008 and \u000c, as slog's JSONHandler does.
func appendLineString(b []byte, s string) []byte {
	return termsafe.AppendJSONString(b, s, termsafe.JSONEscapeTerm|termsafe.JSONShortBF)
}

// UnmarshalJSON reads what MarshalJSON writes; an absent level is INFO's
// zero, a level word ParseLevel does not know is an error.
func (l *Line) UnmarshalJSON(b []byte) error {
	type plain Line // the same fields and tags, without these methods
	var w struct {
		*plain
		Level *string `json:"level"` // shadows plain.Level
	}
	var out Line
	w.plain = (*plain)(&out)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Level != nil {
		lv, err := ParseLevel(*w.Level)
		if err != nil {
			return err
		}
		out.Level = lv
	}
	*l = out
	return nil
}
