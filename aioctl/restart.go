package aioctl

import "time"

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
