package aiomqtt

// The Homie 5 side: the $description of a device and the values of its
// properties, from the group's task snapshots.

import (
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// The properties of every node (one node per task; a service is its main
// task, "hello.service").
const (
	PropState    = "state"
	PropSince    = "since"
	PropResult   = "result"
	PropError    = "error"
	PropNextRun  = "next-run"
	PropRestarts = "restarts"
	PropEnabled  = "enabled" // services only; settable: writes the config
	PropAction   = "action"  // settable start/stop/restart, not retained
)

// StateFormat is the enum of the state property.
const StateFormat = "scheduled,running,done,stopped,error,failed,restarting,gave-up,stopping"

// ActionFormat is the enum of the action property.
const ActionFormat = "start,stop,restart"

// valueProps are the retained properties, in the order they are published.
var valueProps = []string{PropState, PropSince, PropResult, PropError, PropNextRun, PropRestarts, PropEnabled}

// description is the Homie 5 $description document.
type description struct {
	Homie   string          `json:"homie"`
	Version int64           `json:"version"`
	Name    string          `json:"name,omitempty"`
	Nodes   map[string]node `json:"nodes"`
}

type node struct {
	Name       string              `json:"name"`
	Type       string              `json:"type,omitempty"`
	Properties map[string]property `json:"properties"`
}

type property struct {
	Name     string `json:"name,omitempty"`
	Datatype string `json:"datatype"`
	Format   string `json:"format,omitempty"`
	Settable bool   `json:"settable,omitempty"`
	// Retained defaults to true in Homie 5: only a false is written.
	Retained *bool  `json:"retained,omitempty"`
	Unit     string `json:"unit,omitempty"`
}

var notRetained = new(bool)

// nodeOf is the node of a task: a service's node has the settable
// enabled property.
func nodeOf(name string, service bool) node {
	p := map[string]property{
		PropState:    {Name: "state", Datatype: "enum", Format: StateFormat},
		PropSince:    {Name: "current or last run started", Datatype: "datetime"},
		PropResult:   {Name: "result", Datatype: "string"},
		PropError:    {Name: "error", Datatype: "string"},
		PropNextRun:  {Name: "next run (schedule or restart)", Datatype: "datetime"},
		PropRestarts: {Name: "restarts", Datatype: "integer"},
		PropAction:   {Name: "action", Datatype: "enum", Format: ActionFormat, Settable: true, Retained: notRetained},
	}
	typ := "aiotools-task"
	if service {
		p[PropEnabled] = property{Name: "enabled in the config", Datatype: "boolean", Settable: true}
		typ = "aiotools-service"
	}
	return node{Name: name, Type: typ, Properties: p}
}

// values are the retained property values of a task, by property id; a
// service's enabled comes from enabled (nil for a task).
func values(s *aioctl.TaskStatus, enabled *bool) map[string]string {
	state := s.State.String()
	if s.Service != nil && s.State == aioctl.Error {
		state = "failed"
	}
	next := s.NextRestart
	if s.Schedule != nil && !s.Schedule.Next.IsZero() && (next.IsZero() || s.Schedule.Next.Before(next)) {
		next = s.Schedule.Next
	}
	v := map[string]string{
		PropState:    state,
		PropSince:    datetime(s.Since),
		PropResult:   s.ResultText,
		PropError:    s.Error,
		PropNextRun:  datetime(next),
		PropRestarts: strconv.Itoa(s.Restarts),
	}
	if enabled != nil {
		v[PropEnabled] = strconv.FormatBool(*enabled)
	}
	return v
}

// datetime is t in ISO 8601 (Homie's datetime), "" for the zero time.
func datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
