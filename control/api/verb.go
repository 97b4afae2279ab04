package api

import "strings"

// Component is a part of the program a verb needs.
type Component uint8

// The components a verb can need (Verb.Needs).
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
	// VerbNames: verb names (help); completed from the table, not checked.
	VerbNames
	// KindNames: the first argument is a kind of task the program
	// registered (add); checked as a name.
	KindNames
)

// Kind is the word the "names" verb takes for k: "tasks", "services",
// "verbs", "kinds", or "" for NoNames.
func (k NameKind) Kind() string {
	switch k {
	case TaskNames:
		return "tasks"
	case ServiceNames:
		return "services"
	case VerbNames:
		return "verbs"
	case KindNames:
		return "kinds"
	}
	return ""
}

// Flag is an option of a verb, given as --name (or -s) anywhere after it.
type Flag struct {
	Name  string `json:"name"`
	Short string `json:"short,omitempty"`
	// Value is the value's placeholder ("N", "LEVEL"); "" for a boolean flag.
	Value string `json:"value,omitempty"`
	// Kind is the value's type as help shows it ("int", "duration",
	// "time"); "" means "string" (and "bool" for a boolean flag).
	Kind  string `json:"kind,omitempty"`
	Usage string `json:"usage"`
}

// Type is the flag's type as help shows it: "bool" for a boolean flag,
// else Kind, or "string" when Kind is empty.
func (f *Flag) Type() string {
	switch {
	case f.Value == "":
		return "bool"
	case f.Kind != "":
		return f.Kind
	}
	return "string"
}

// ExitCode is one exit status a verb can give besides 0 (done) and 1
// (failed), with what it means.
type ExitCode struct {
	Code    int    `json:"code"`
	Meaning string `json:"meaning"`
}

// SystemctlExits are the exit codes of status and is-active, as
// systemctl gives them.
var SystemctlExits = []ExitCode{
	{ExitOK, "every named task is active"},
	{ExitNotActive, "a named task is not active"},
	{ExitNoSuch, "a name or pattern matched no task"},
}

// Verb is one entry of the allow-list: a command of the control plane. It
// says everything a front end needs to offer the verb (a CLI command, a
// shell completion, a web form, an MQTT topic) without knowing it by name.
type Verb struct {
	// Name is the full name, one or two words ("status", "set args").
	Name string `json:"name"`
	// ArgsUsage describes the arguments ("[PATTERN...] [debug]").
	ArgsUsage string `json:"args,omitempty"`
	// Summary is the one-line help.
	Summary string `json:"summary"`
	// MinArgs and MaxArgs bound the number of arguments (MaxArgs -1: any),
	// not counting a TrailingFlag word.
	MinArgs int    `json:"min_args"`
	MaxArgs int    `json:"max_args"`
	Flags   []Flag `json:"flags,omitempty"`
	// Needs is the component the verb acts on.
	Needs Component `json:"-"`
	// Names says what the arguments name (checked, and completed by the shell).
	Names NameKind `json:"names"`
	// RawTail: the last argument is JSON, taken whole by ParseLine. When
	// MaxArgs > MinArgs it is optional ("clone SRC [NAME] [JSON]"): the
	// first argument after the required ones that starts with { or [.
	RawTail bool `json:"raw_tail,omitempty"`
	// Stream: the verb streams (always, or with its StreamFlag).
	Stream bool `json:"stream,omitempty"`
	// StreamFlag, with Stream, is the boolean flag that makes the verb
	// stream ("follow" for log: log -f); "" when it always streams.
	StreamFlag string `json:"stream_flag,omitempty"`
	// TrailingFlag is a boolean flag that may also be given as the last
	// or the first argument, by its name: "debug" for status ("status
	// hello debug", "status debug hello", as the seed took it).
	TrailingFlag string `json:"trailing_flag,omitempty"`
	// ExitCodes are the exit codes the verb gives besides 0 and 1
	// (Response.Exit): systemctl's for status and is-active. A CLI exits
	// with Response.Exit; it lists these in its help.
	ExitCodes []ExitCode `json:"exits,omitempty"`
	// Hidden verbs are for tools (completion), not listed by help.
	Hidden bool `json:"hidden,omitempty"`
	// User: a verb the program registered (control's Interp.Register),
	// not one of this table; a CLI sends it to the program as typed.
	User bool `json:"user,omitempty"`
	// Examples are command lines of the verb, each with what it does
	// after "  # " ("stop 'hello*'  # stop the tasks named hello…"); help
	// shows them (every visible verb has at least two).
	Examples []string `json:"examples,omitempty"`
}

// Usage is the verb's synopsis: "status [--debug] [--lines N] [PATTERN...] [debug]".
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

// Words is the verb's name split into its words: ["set", "args"].
func (v *Verb) Words() []string { return strings.Fields(v.Name) }

// Streams reports whether the verb streams with these flags (by long
// name, as Call.Flags holds them).
func (v *Verb) Streams(flags map[string]string) bool {
	if !v.Stream {
		return false
	}
	if v.StreamFlag == "" {
		return true
	}
	_, ok := flags[v.StreamFlag]
	return ok
}

// Flag returns the verb's flag called name: its long name, or with long
// false its short name too; nil when it has none.
func (v *Verb) Flag(name string, long bool) *Flag {
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
