package aioservice

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// This file holds the config file's types: the parsed file (Config, its
// entries), the values a key may hold, and the error that places a
// problem in the file. Reading the text is parse.go's job; positions are
// position.go's.

// DefaultConfigFile is the config file's usual name, as in the seed.
const DefaultConfigFile = "services.config"

// ErrConfig is matched (with errors.Is) by every *ConfigError.
var ErrConfig = errors.New("bad service config")

// ConfigError is a problem in the config file, with where it is.
type ConfigError struct {
	File   string
	Line   int // 1-based; 0 when the problem has no place (an unreadable file)
	Column int // 1-based, in characters
	// Field is the path of the value at fault: "hello", "hello.args.pin",
	// "world.schedule", "time.requires[0]"; empty for a syntax error.
	Field string
	Msg   string
	// Err is the underlying error, if any (a *CycleError, an aioschedule error…).
	Err error
}

// Error reads file:line:column: field: message, escaped for the terminal
// (the field may be a service name from the file, the file name anything).
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return termsafe.String(b.String())
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Duration is a time.Duration in the config file, by aioctl's one rule:
// a number of seconds (as in the seed) or a Go duration string ("1m30s"),
// from 0 to aioctl.MaxDuration (100 years). It encodes as a string.
type Duration = aioctl.Duration

// RestartConfig is the config file's "restart": aioctl.RestartPolicy with
// durations as seconds or duration strings.
type RestartConfig struct {
	Mode       aioctl.RestartMode `json:"mode"`
	Delay      Duration           `json:"delay,omitempty"`
	Factor     float64            `json:"factor,omitempty"`
	MaxDelay   Duration           `json:"max_delay,omitempty"`
	Jitter     float64            `json:"jitter,omitempty"`
	ResetAfter Duration           `json:"reset_after,omitempty"`
	Budget     int                `json:"budget,omitempty"`
	Window     Duration           `json:"window,omitempty"`
}

// UnmarshalJSON decodes the restart config as aioctl.RestartPolicy does
// (unknown keys refused) and validates it: a negative delay or budget is
// an error naming the field, not a default.
func (r *RestartConfig) UnmarshalJSON(b []byte) error {
	var p aioctl.RestartPolicy
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = restartConfig(p)
	return nil
}

// policy returns the restart policy.
func (r RestartConfig) policy() aioctl.RestartPolicy {
	return aioctl.RestartPolicy{Mode: r.Mode, Delay: time.Duration(r.Delay), Factor: r.Factor,
		MaxDelay: time.Duration(r.MaxDelay), Jitter: r.Jitter, ResetAfter: time.Duration(r.ResetAfter),
		Budget: r.Budget, Window: time.Duration(r.Window)}
}

func restartConfig(p aioctl.RestartPolicy) RestartConfig {
	return RestartConfig{Mode: p.Mode, Delay: Duration(p.Delay), Factor: p.Factor,
		MaxDelay: Duration(p.MaxDelay), Jitter: p.Jitter, ResetAfter: Duration(p.ResetAfter),
		Budget: p.Budget, Window: Duration(p.Window)}
}

// ExecConfig is the config file's "exec": an external command run as the
// service's main task.
type ExecConfig struct {
	Argv []string          `json:"argv"`
	Dir  string            `json:"dir,omitempty"`
	Env  map[string]string `json:"env,omitempty"`
}

// Entry is one service's entry in the config file. A nil or empty field
// was not in the file: the service's default applies.
type Entry struct {
	Name        string
	Enabled     *bool
	Args        json.RawMessage
	Schedule    json.RawMessage
	Requires    []string // nil: not in the file
	After       []string // nil: not in the file
	Restart     *RestartConfig
	StopTimeout *Duration
	Readiness   *ReadinessConfig // "readiness" (config_supervision.go)
	Children    *ChildrenConfig  // "children"
	Exec        *ExecConfig
	Type        Type
	Info        string
	Docs        string
	// LogLevel is "log_level": the minimum level of the service's task and
	// its children (debug, info, warn, error, crit; "" when not set).
	LogLevel string

	// off holds the offset (in the expanded text) of each value, by field
	// path relative to the entry ("" is the entry's key).
	off map[string]int
	// spans holds the original-text spans of the top-level values, for
	// edits (a slice: an entry has a dozen keys at most).
	spans []keySpan
	inKw  map[string]bool // the value is inside "kwargs"; nil: none is
	// written holds the path relative to the entry of each key inside
	// "kwargs" as the user wrote it ("kwargs.require"), for error fields.
	written map[string]string
	objOpen int // original offset just after the entry's '{'
	last    int // original end of its last value; -1 when empty
	line    int
}

type keySpan struct {
	key        string
	start, end int
}

// span returns the original-text span of the value of key.
func (e *Entry) span(key string) (keySpan, bool) {
	for _, s := range e.spans {
		if s.key == key {
			return s, true
		}
	}
	return keySpan{}, false
}

// Line returns the line of the entry's key in the file.
func (e *Entry) Line() int { return e.line }

// Config is a parsed config file. Its entries keep their positions, so a
// problem found later (an unknown service, a bad argument) is reported
// with file, line and column.
type Config struct {
	File    string
	Entries []*Entry
	byName  map[string]*Entry
	p       *parser
	open    int // original offset just after the top-level '{'; -1: no object
	last    int // original end of the last entry; -1 when none
}

// Entry returns the entry of the service named name.
func (c *Config) Entry(name string) (*Entry, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.byName[name]
	return e, ok
}
