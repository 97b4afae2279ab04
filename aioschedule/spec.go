package aioschedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// From values of Spec.From: what a StartIn (and so the repeat grid of a
// StartIn schedule) is measured from.
const (
	// FromNow measures StartIn from the moment the schedule is added (the default).
	FromNow = "now"
	// FromStart measures StartIn from the scheduler's start (New), as the
	// seed's schedule loop did: a schedule added later whose time has
	// passed runs at once, then keeps its grid.
	FromStart = "start"
)

// ErrBadSpec is matched (with errors.Is) by every error about a Spec.
var ErrBadSpec = errors.New("bad schedule spec")

// SpecError says which field of a Spec is wrong and why.
type SpecError struct {
	// Field is the config key: start_in, repeat, at, cron, tz, jitter,
	// catch_up, from, keep, or the unknown key.
	Field string
	Msg   string
	// Err is the underlying error, if any (an *aioctl.DurationError).
	Err error
}

// Error names the field and says what is wrong with it.
func (e *SpecError) Error() string {
	if e.Field == "" {
		return "aioschedule: " + e.Msg
	}
	return "aioschedule: " + e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrBadSpec) true.
func (e *SpecError) Is(target error) bool { return target == ErrBadSpec }

// Unwrap returns the underlying error.
func (e *SpecError) Unwrap() error { return e.Err }

func specErr(field, msg string) error { return &SpecError{Field: field, Msg: msg} }

// Spec describes when a task runs. The zero Spec runs the task once, at
// once. It decodes from the seed's config keys (see UnmarshalJSON):
//
//	{"start_in": 20, "repeat": 90}
//	{"start_in": "5s", "repeat": true, "jitter": "500ms"}
//	{"at": "07:30", "tz": "Europe/Berlin"}
//	{"cron": "*/15 9-17 * * mon-fri", "tz": "America/New_York", "catch_up": true}
//
// Exactly one of StartIn (with an optional Repeat), At (with an optional
// Repeat) or Cron says when the first run is.
type Spec struct {
	// StartIn delays the first run (JSON "start_in": seconds as a number,
	// or a Go duration string such as "90s"). It is measured from From.
	StartIn time.Duration
	// Repeat reruns the task every Repeat after the previous planned run
	// (JSON "repeat": seconds, a duration string, or true). Zero: run once.
	Repeat time.Duration
	// RepeatStartIn is JSON "repeat": true: the period is StartIn.
	RepeatStartIn bool
	// At is the first run as an RFC 3339 time, or "HH:MM" / "HH:MM:SS"
	// meaning the next such wall time in TZ (JSON "at").
	At string
	// Cron is a 5-field cron expression (minute hour day-of-month month
	// day-of-week, with names, ranges, lists and steps, read as ISC cron
	// does: see the package doc for day-of-week 7 and the day rule) or one of @yearly,
	// @annually, @monthly, @weekly, @daily, @midnight, @hourly, or
	// "@every <duration>" (JSON "cron").
	Cron string
	// TZ is the IANA time zone of Cron and of an "HH:MM" At (JSON "tz");
	// empty means the local zone.
	TZ string
	// Jitter delays each run by a random duration in [0, Jitter) (JSON
	// "jitter"). The schedule's grid is not moved by it.
	Jitter time.Duration
	// CatchUp runs a missed run once when the scheduler notices it late (a
	// clock jump or a sleeping machine) instead of dropping it (JSON "catch_up").
	CatchUp bool
	// From is FromNow ("now", the default) or FromStart ("start") (JSON "from").
	From string
	// Keep keeps the schedule when a user stops the task (JSON "keep").
	// By default a stop unschedules it until the task is started again.
	Keep bool
}

// specKeys are the JSON keys of a Spec, in the order String prints them.
var specKeys = []string{"start_in", "repeat", "at", "cron", "tz", "jitter", "catch_up", "from", "keep"}

// UnmarshalJSON decodes a Spec from a JSON object with the keys start_in,
// repeat, at, cron, tz, jitter, catch_up, from and keep. An unknown key or
// a value of the wrong kind is a *SpecError naming the key. It does not
// validate the values; Validate (and Scheduler.Schedule) does.
func (s *Spec) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return specErr("", "a schedule must be a JSON object: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	if m == nil {
		return specErr("", "a schedule must be a JSON object, not null")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out Spec
	for _, k := range keys {
		v := bytes.TrimSpace(m[k])
		var err error
		switch k {
		case "start_in":
			out.StartIn, err = decodeDuration(k, v)
		case "repeat":
			if string(v) == "true" {
				out.RepeatStartIn = true
			} else if string(v) == "false" {
				out.Repeat = 0
			} else {
				out.Repeat, err = decodeDuration(k, v)
			}
		case "jitter":
			out.Jitter, err = decodeDuration(k, v)
		case "at":
			out.At, err = decodeString(k, v)
		case "cron":
			out.Cron, err = decodeString(k, v)
			if err == nil && strings.TrimSpace(out.Cron) == "" {
				// Left as "", it would read as no cron at all: run at once.
				err = specErr(k, "empty expression (leave \"cron\" out for no cron)")
			}
		case "tz":
			out.TZ, err = decodeString(k, v)
		case "from":
			out.From, err = decodeString(k, v)
		case "catch_up":
			out.CatchUp, err = decodeBool(k, v)
		case "keep":
			out.Keep, err = decodeBool(k, v)
		default:
			return specErr(k, "unknown key (want one of "+strings.Join(specKeys, ", ")+")")
		}
		if err != nil {
			return err
		}
	}
	*s = out
	return nil
}

func decodeString(key string, v []byte) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", specErr(key, "want a string, got "+string(v))
	}
	return s, nil
}

func decodeBool(key string, v []byte) (bool, error) {
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return false, specErr(key, "want true or false, got "+string(v))
	}
	return b, nil
}

// decodeDuration reads a JSON duration by aioctl's one rule: a number is
// seconds, a string a Go duration; negative and out-of-range refused.
func decodeDuration(key string, v []byte) (time.Duration, error) {
	d, err := aioctl.ParseDurationJSON(v)
	if err != nil {
		return 0, durationErr(key, err)
	}
	return d, nil
}

// durationErr names the field of an aioctl.DurationError.
func durationErr(key string, err error) error {
	var de *aioctl.DurationError
	if errors.As(err, &de) {
		return &SpecError{Field: key, Msg: de.Msg, Err: err}
	}
	return &SpecError{Field: key, Msg: err.Error(), Err: err}
}

// ParseDuration reads a duration as the config keys accept it (aioctl's
// one rule, as text): a plain number of seconds ("90", "1.5") or a Go
// duration string ("90s", "1h30m"), from 0 to aioctl.MaxDuration. key
// names the field in the error.
func ParseDuration(key, s string) (time.Duration, error) {
	d, err := aioctl.ParseDuration(s)
	if err != nil {
		return 0, durationErr(key, err)
	}
	return d, nil
}

// MarshalJSON encodes the Spec with the same keys UnmarshalJSON reads,
// durations as Go duration strings, leaving out zero values.
func (s Spec) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	s.fields(func(key, jsonVal, _ string) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(key))
		b.WriteByte(':')
		b.WriteString(jsonVal)
	})
	b.WriteByte('}')
	return b.Bytes(), nil
}

// fields calls f for each non-zero field with its key, JSON value and text.
func (s Spec) fields(f func(key, jsonVal, text string)) {
	dur := func(key string, d time.Duration) {
		if d != 0 {
			f(key, strconv.Quote(d.String()), d.String())
		}
	}
	str := func(key, v string) {
		if v != "" {
			q := strconv.Quote(v)
			f(key, q, q)
		}
	}
	dur("start_in", s.StartIn)
	if s.RepeatStartIn {
		f("repeat", "true", "true")
	} else {
		dur("repeat", s.Repeat)
	}
	str("at", s.At)
	str("cron", s.Cron)
	str("tz", s.TZ)
	dur("jitter", s.Jitter)
	if s.CatchUp {
		f("catch_up", "true", "true")
	}
	str("from", s.From)
	if s.Keep {
		f("keep", "true", "true")
	}
}

// String describes the spec as status shows it ("schedule opts"), e.g.
// `start_in=5s repeat=10s` or `cron="0 3 * * *" tz="Europe/Berlin" catch_up=true`.
// The zero Spec prints "once, at once".
func (s Spec) String() string {
	var b strings.Builder
	s.fields(func(key, _, text string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(key + "=" + text)
	})
	if b.Len() == 0 {
		return "once, at once"
	}
	return b.String()
}

// Validate checks the spec without scheduling it: a negative duration, a
// bad or never-matching cron expression, an unknown time zone, a bad
// At, or fields that do not go together are a *SpecError naming the field.
func (s Spec) Validate() error {
	_, err := compile(s)
	return err
}
