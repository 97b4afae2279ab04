package control

import (
	"context"
	"strings"
)

// Component is a part of the program a verb needs.
type Component uint8

// The components of Components.
const (
	NeedGroup Component = iota
	NeedLog
	NeedScheduler
	NeedServices
)

// String returns the component's name.
func (c Component) String() string {
	switch c {
	case NeedLog:
		return "log"
	case NeedScheduler:
		return "scheduler"
	case NeedServices:
		return "services"
	}
	return "task group"
}

// NameKind says what a verb's arguments name, for validation and for
// completion in the shell.
type NameKind uint8

// The kinds of verb arguments.
const (
	// NoNames: free arguments (a grep pattern, on/off); not checked as names.
	NoNames NameKind = iota
	// TaskNames: task names or '*' patterns.
	TaskNames
	// ServiceNames: service names or '*' patterns.
	ServiceNames
)

// Flag is an option of a verb, given as --name (or -s) anywhere after it.
type Flag struct {
	Name  string `json:"name"`
	Short string `json:"short,omitempty"`
	// Value is the value's placeholder ("N", "LEVEL"); "" for a boolean flag.
	Value string `json:"value,omitempty"`
	Usage string `json:"usage"`
}

// Verb is one entry of the allow-list: a command of the control plane.
type Verb struct {
	// Name is the full name, one or two words ("status", "set args").
	Name string `json:"name"`
	// ArgsUsage describes the arguments ("[PATTERN...] [debug]").
	ArgsUsage string `json:"args,omitempty"`
	// Summary is the one-line help.
	Summary string `json:"summary"`
	// MinArgs and MaxArgs bound the number of arguments (MaxArgs -1: any).
	MinArgs int    `json:"min_args"`
	MaxArgs int    `json:"max_args"`
	Flags   []Flag `json:"flags,omitempty"`
	// Needs is the component the verb acts on.
	Needs Component `json:"-"`
	// Names says what the arguments name (checked, and completed by the shell).
	Names NameKind `json:"names"`
	// RawTail: the last argument is JSON, taken whole by ParseLine.
	RawTail bool `json:"raw_tail,omitempty"`
	// Stream: the verb streams (always, or with its --follow flag).
	Stream bool `json:"stream,omitempty"`
	// Exits: the verb returns systemctl's exit codes (status, is-active).
	Exits bool `json:"exit_codes,omitempty"`
	// Hidden verbs are for tools (completion), not listed by help.
	Hidden bool `json:"hidden,omitempty"`

	trailingDebug bool // a last argument "debug" means --debug
	check         func(*call) error
	run           func(ctx context.Context, in *Interp, c *call) (*Result, error)
	stream        func(ctx context.Context, in *Interp, c *call, fn func(Event) error) error
	streamIf      string // the flag that makes the verb stream ("" with Stream: always)
}

// Usage is the verb's synopsis: "status [PATTERN...] [debug]".
func (v *Verb) Usage() string {
	s := v.Name
	for _, f := range v.Flags {
		s += " [--" + f.Name
		if f.Value != "" {
			s += " " + f.Value
		}
		s += "]"
	}
	if v.ArgsUsage != "" {
		s += " " + v.ArgsUsage
	}
	return s
}

func (v *Verb) streams(c *call) bool {
	if !v.Stream {
		return false
	}
	return v.streamIf == "" || c.has(v.streamIf)
}

func (v *Verb) flag(name string, long bool) *Flag {
	for i := range v.Flags {
		f := &v.Flags[i]
		if long && f.Name == name || !long && (f.Short == name || f.Name == name) {
			return f
		}
	}
	return nil
}

func (v *Verb) flagHint() string {
	if len(v.Flags) == 0 {
		return " (" + v.Name + " has no flags)"
	}
	var names []string
	for _, f := range v.Flags {
		names = append(names, "--"+f.Name)
	}
	return " (flags: " + strings.Join(names, ", ") + ")"
}

func (in *Interp) has(c Component) bool {
	switch c {
	case NeedGroup:
		return in.c.Group != nil
	case NeedLog:
		return in.c.Log != nil
	case NeedScheduler:
		return in.c.Scheduler != nil
	case NeedServices:
		return in.c.Services != nil
	}
	return false
}
