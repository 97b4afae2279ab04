package control

import (
	"context"

	"github.com/aiotools-go/aiotools/control/api"
)

// Component is a part of the program a verb needs (api.Component).
type Component = api.Component

// The components of Components.
const (
	NeedGroup     = api.NeedGroup
	NeedLog       = api.NeedLog
	NeedScheduler = api.NeedScheduler
	NeedServices  = api.NeedServices
)

// NameKind says what a verb's arguments name (api.NameKind).
type NameKind = api.NameKind

// The kinds of verb arguments.
const (
	NoNames      = api.NoNames
	TaskNames    = api.TaskNames
	ServiceNames = api.ServiceNames
	VerbNames    = api.VerbNames
	KindNames    = api.KindNames
)

// Flag is an option of a verb (api.Flag).
type Flag = api.Flag

// Verb is one entry of the allow-list (api.Verb). The table of verbs is
// in control/api; this package attaches what runs each one (impls).
type Verb = api.Verb

// impl is what runs one verb of the table: check checks the flag and
// argument values Parse cannot know (optional), run runs a one-shot call,
// stream runs a streaming one (a verb may have both: log and log -f).
type impl struct {
	check  func(*call) error
	run    func(ctx context.Context, in *Interp, c *call) (*Result, error)
	stream func(ctx context.Context, in *Interp, c *call, fn func(Event) error) error
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

// Verbs returns the verb table: the allow-list of everything the control
// plane can do, in a stable order (api.Verbs).
func Verbs() []Verb { return api.Verbs() }

// LookupVerb returns the verb with this full name ("status", "set args").
func LookupVerb(name string) (Verb, bool) { return api.LookupVerb(name) }
