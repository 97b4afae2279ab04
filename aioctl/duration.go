package aioctl

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxDuration is the longest duration accepted anywhere a user writes one
// (task arguments, restart policies, schedules, the services config):
// 100 years of 365 days. It leaves room in time.Duration's int64
// nanoseconds (about 292 years) for adding it to a time.
const MaxDuration = 100 * 365 * 24 * time.Hour

// ErrBadDuration is matched (with errors.Is) by every *DurationError.
var ErrBadDuration = errors.New("bad duration")

// DurationError says why a duration was refused: it is negative, not a
// number, out of range or unreadable.
type DurationError struct {
	// Field is where the duration was written ("sleep", "restart.delay"),
	// when the caller knows it; the parsers leave it empty.
	Field string
	// Value is the duration as it was written.
	Value string
	// Msg says what is wrong, naming Value: "negative duration -5".
	Msg string
}

// Error reads "field: message", or just the message without a field.
func (e *DurationError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrBadDuration) true.
func (e *DurationError) Is(target error) bool { return target == ErrBadDuration }

// durationHint ends the message about a duration that cannot be read.
const durationHint = ` (want a number of seconds, or a Go duration such as "1m30s")`

func negativeDuration(value string) *DurationError {
	return &DurationError{Value: value, Msg: "negative duration " + value}
}

func durationOutOfRange(value string) *DurationError {
	return &DurationError{Value: value, Msg: "duration " + value + " out of range (at most " +
		strconv.Itoa(int(MaxDuration/time.Hour)) + "h, 100 years)"}
}

// CheckDuration refuses a negative duration and one above MaxDuration, for
// durations that Go code sets directly (the parsers below check their own).
func CheckDuration(d time.Duration) error {
	switch {
	case d < 0:
		return negativeDuration(d.String())
	case d > MaxDuration:
		return durationOutOfRange(d.String())
	}
	return nil
}

// ParseDuration reads a duration as text: a number is seconds ("90",
// "1.5", "2e3"), anything else a Go duration ("90s", "1h30m", "250ms").
// Spaces around it are ignored. A negative duration, one above
// MaxDuration, NaN, infinities and unreadable text are a *DurationError.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &DurationError{Msg: "empty duration" + durationHint}
	}
	if isNumber(s) {
		return secondsDuration(s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if s[0] == '-' && isDurationSyntax(s[1:]) {
			return 0, negativeDuration(s)
		}
		if isDurationSyntax(s) { // only too big for time.ParseDuration
			return 0, durationOutOfRange(s)
		}
		return 0, &DurationError{Value: s, Msg: "invalid duration " + strconv.Quote(s) + durationHint}
	}
	if d < 0 {
		return 0, negativeDuration(s)
	}
	if d > MaxDuration {
		return 0, durationOutOfRange(s)
	}
	return d, nil
}

// ParseDurationJSON reads a duration from a JSON value: a number is
// seconds (as in the seed's config), a string is read by ParseDuration.
// Anything else (null included) is a *DurationError.
func ParseDurationJSON(b []byte) (time.Duration, error) {
	b = trimJSONSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s, ok := jsonString(b)
		if !ok {
			return 0, &DurationError{Value: string(b), Msg: "invalid duration " + string(b) + durationHint}
		}
		return ParseDuration(s)
	}
	if isNumber(string(b)) {
		return secondsDuration(string(b))
	}
	v := string(b)
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return 0, &DurationError{Value: v, Msg: "invalid duration " + v + durationHint}
}

// secondsDuration converts s, a JSON-style number of seconds.
func secondsDuration(s string) (time.Duration, error) {
	if s[0] == '-' {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != 0 {
			return 0, negativeDuration(s)
		}
		return 0, nil // -0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f > MaxDuration.Seconds() {
		return 0, durationOutOfRange(s)
	}
	return time.Duration(math.Round(f * float64(time.Second))), nil
}

// isNumber reports whether s is a number in JSON's grammar: no sign but
// '-', no hex, no NaN or Inf, no underscores.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if n := digits(); n == 0 || (n > 1 && s[i-n] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// isDurationSyntax reports whether s looks like a Go duration ("12h30m",
// "1.5s"): digits and unit letters only, so that a failure to parse it
// can only be an overflow.
func isDurationSyntax(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '.') {
		return false
	}
	for len(s) > 0 {
		n := 0
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
			n++
		}
		if n == 0 {
			return false
		}
		s = s[n:]
		u := 0
		for u < len(s) && !(s[u] >= '0' && s[u] <= '9' || s[u] == '.') {
			u++
		}
		switch s[:u] {
		case "ns", "us", "µs", "μs", "ms", "s", "m", "h":
		default:
			return false
		}
		s = s[u:]
	}
	return true
}

func trimJSONSpace(b []byte) []byte {
	for len(b) > 0 && isJSONSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isJSONSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonString decodes the JSON string b (quotes included), without
// encoding/json for the usual case of no escapes.
func jsonString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	if !strings.ContainsAny(string(inner), `\"`) && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return "", false
	}
	return s, true
}

// Duration is a time.Duration as users write it, in JSON and in text:
// a number is seconds (the seed's unit), a string is a Go duration ("1m30s")
// or a number of seconds ("90"). It is never negative and at most
// MaxDuration. It encodes as a Go duration string.
//
// Task arguments of type time.Duration follow the same rule when set from
// JSON (SetArgsJSON, UnmarshalArgs); Duration is for types that are
// decoded with encoding/json directly, such as a service's config.
type Duration time.Duration

// String returns the Go duration string ("1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalJSON reads seconds or a duration string; JSON null leaves d as
// it was, as encoding/json does for other types.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(trimJSONSpace(b)) == "null" {
		return nil
	}
	v, err := ParseDurationJSON(b)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON encodes the duration as a string ("1m30s").
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(d.String())), nil
}

// UnmarshalText reads a duration as ParseDuration does.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText encodes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
