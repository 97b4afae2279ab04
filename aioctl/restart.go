package aioctl

import (
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// RestartMode says when a task that ended on its own is started again.
type RestartMode uint8

const (
	// Never restarts (the default).
	Never RestartMode = iota
	// OnFailure restarts after an error or a panic.
	OnFailure
	// Always restarts after any end but a stop.
	Always
)

var restartModeNames = [...]string{"never", "on-failure", "always"}

// String returns "never", "on-failure" or "always".
func (m RestartMode) String() string {
	if int(m) < len(restartModeNames) {
		return restartModeNames[m]
	}
	return "unknown"
}

// MarshalText encodes the mode as its name.
func (m RestartMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes "never", "on-failure" or "always".
func (m *RestartMode) UnmarshalText(b []byte) error {
	for i, n := range restartModeNames {
		if n == string(b) {
			*m = RestartMode(i)
			return nil
		}
	}
	return &ArgError{Field: "restart", Msg: "unknown restart mode " + quote(string(b)) + " (want never, on-failure or always)"}
}

// RestartPolicy says whether, when and how often a task is started again
// after it ended on its own. An explicit stop never restarts a task.
//
// The delay before restart n (counted from 0 since the last start by hand or
// the last stable run) is Delay*Factor^n, capped at MaxDelay, plus a random
// extra of up to Jitter times that. A run that lasted ResetAfter or longer
// counts as stable and resets the delay. When Budget is above zero and the
// task has been restarted Budget times within Window, it is not restarted
// again: it is in state GaveUp until started by hand.
//
// In JSON its durations follow the Duration rule (a number is seconds, a
// string a Go duration). Validate (and Add, for WithRestart) refuses a
// negative or out-of-range value instead of quietly using a default.
type RestartPolicy struct {
	Mode       RestartMode   `json:"mode"`
	Delay      time.Duration `json:"delay,omitempty"`       // first delay; default 1s
	Factor     float64       `json:"factor,omitempty"`      // growth per restart; default 2
	MaxDelay   time.Duration `json:"max_delay,omitempty"`   // cap; default 1m
	Jitter     float64       `json:"jitter,omitempty"`      // 0..1 fraction of the delay added at random
	ResetAfter time.Duration `json:"reset_after,omitempty"` // stable run length; default 1m
	Budget     int           `json:"budget,omitempty"`      // restarts allowed per Window; 0 = no limit
	Window     time.Duration `json:"window,omitempty"`      // default 10m when Budget > 0
}

// ErrBadPolicy is matched (with errors.Is) by every *PolicyError.
var ErrBadPolicy = errors.New("bad restart policy")

// PolicyError names the field of a RestartPolicy that is out of range.
type PolicyError struct {
	// Field is the field's JSON key: "delay", "factor", "budget"…
	Field string
	Msg   string
	// Err is the underlying error: a *DurationError for a duration field.
	Err error
}

// Error reads "restart.FIELD: message".
func (e *PolicyError) Error() string { return "restart." + e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrBadPolicy) true.
func (e *PolicyError) Is(target error) bool { return target == ErrBadPolicy }

// Unwrap returns the underlying error.
func (e *PolicyError) Unwrap() error { return e.Err }

// Validate checks the policy: a known mode; durations from 0 (the
// default) to MaxDuration; a factor of 0 (the default, 2) or at least 1;
// a jitter from 0 to 1; a budget of 0 (no limit) or more. The first
// problem is a *PolicyError naming the field.
func (p RestartPolicy) Validate() error {
	if int(p.Mode) >= len(restartModeNames) {
		return &PolicyError{Field: "mode", Msg: "unknown restart mode " + strconv.Itoa(int(p.Mode))}
	}
	for _, f := range [...]struct {
		key string
		d   time.Duration
	}{{"delay", p.Delay}, {"max_delay", p.MaxDelay}, {"reset_after", p.ResetAfter}, {"window", p.Window}} {
		if err := CheckDuration(f.d); err != nil {
			return &PolicyError{Field: f.key, Msg: err.Error(), Err: err}
		}
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch {
	case math.IsNaN(p.Factor) || math.IsInf(p.Factor, 0) || p.Factor != 0 && p.Factor < 1:
		return &PolicyError{Field: "factor", Msg: "factor " + num(p.Factor) + " out of range (want 1 or more; 0 means 2)"}
	case math.IsNaN(p.Jitter) || p.Jitter < 0 || p.Jitter > 1:
		return &PolicyError{Field: "jitter", Msg: "jitter " + num(p.Jitter) + " out of range (want 0 to 1)"}
	case p.Budget < 0:
		return &PolicyError{Field: "budget", Msg: "negative budget " + strconv.Itoa(p.Budget) + " (want 0 for no limit, or a number of restarts)"}
	}
	return nil
}

// restartJSON is RestartPolicy as JSON: durations by the Duration rule.
type restartJSON struct {
	Mode       RestartMode `json:"mode"`
	Delay      Duration    `json:"delay,omitempty"`
	Factor     float64     `json:"factor,omitempty"`
	MaxDelay   Duration    `json:"max_delay,omitempty"`
	Jitter     float64     `json:"jitter,omitempty"`
	ResetAfter Duration    `json:"reset_after,omitempty"`
	Budget     int         `json:"budget,omitempty"`
	Window     Duration    `json:"window,omitempty"`
}

// MarshalJSON encodes the policy with durations as Go duration strings.
func (p RestartPolicy) MarshalJSON() ([]byte, error) {
	return json.Marshal(restartJSON{Mode: p.Mode, Delay: Duration(p.Delay), Factor: p.Factor,
		MaxDelay: Duration(p.MaxDelay), Jitter: p.Jitter, ResetAfter: Duration(p.ResetAfter),
		Budget: p.Budget, Window: Duration(p.Window)})
}

// UnmarshalJSON decodes a policy (durations as seconds or duration
// strings; unknown keys refused) and validates it.
func (p *RestartPolicy) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad key in order, whatever the map's order
	var v restartJSON
	for _, k := range keys {
		raw := fields[k]
		var dst any
		switch k {
		case "mode":
			dst = &v.Mode
		case "delay":
			dst = &v.Delay
		case "factor":
			dst = &v.Factor
		case "max_delay":
			dst = &v.MaxDelay
		case "jitter":
			dst = &v.Jitter
		case "reset_after":
			dst = &v.ResetAfter
		case "budget":
			dst = &v.Budget
		case "window":
			dst = &v.Window
		default:
			return &PolicyError{Field: k, Msg: "unknown key (want mode, delay, factor, max_delay, jitter, reset_after, budget or window)"}
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			var de *DurationError
			if errors.As(err, &de) {
				return &PolicyError{Field: k, Msg: de.Msg, Err: err}
			}
			return &PolicyError{Field: k, Msg: jsonMessage(err), Err: err}
		}
	}
	np := RestartPolicy{Mode: v.Mode, Delay: time.Duration(v.Delay), Factor: v.Factor,
		MaxDelay: time.Duration(v.MaxDelay), Jitter: v.Jitter, ResetAfter: time.Duration(v.ResetAfter),
		Budget: v.Budget, Window: time.Duration(v.Window)}
	if err := np.Validate(); err != nil {
		return err
	}
	*p = np
	return nil
}

func (p RestartPolicy) withDefaults() RestartPolicy {
	if p.Delay <= 0 {
		p.Delay = time.Second
	}
	if p.Factor < 1 {
		p.Factor = 2
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = time.Minute
	}
	if p.MaxDelay < p.Delay {
		p.MaxDelay = p.Delay
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.Jitter > 1 {
		p.Jitter = 1
	}
	if p.ResetAfter <= 0 {
		p.ResetAfter = time.Minute
	}
	if p.Budget > 0 && p.Window <= 0 {
		p.Window = 10 * time.Minute
	}
	return p
}

// wants reports whether a run that ended in state s is restarted by the mode.
func (m RestartMode) wants(s State) bool {
	switch m {
	case Always:
		return s == Done || s == Error
	case OnFailure:
		return s == Error
	}
	return false
}

// backoff returns the delay before the n-th consecutive restart (n from 0),
// with r in [0,1) drawing the jitter.
func (p RestartPolicy) backoff(n int, r float64) time.Duration {
	d := float64(p.Delay)
	for i := 0; i < n && d < float64(p.MaxDelay); i++ {
		d *= p.Factor
	}
	if d > float64(p.MaxDelay) {
		d = float64(p.MaxDelay)
	}
	d += d * p.Jitter * r
	return time.Duration(d)
}

// jsonMessage is a short message for an error from decoding one value.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "cannot use JSON " + te.Value + " as " + te.Type.String()
	}
	var ae *ArgError
	if errors.As(err, &ae) {
		return ae.Msg
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
