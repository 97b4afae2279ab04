package control

// New tasks at run time: clone and add, the seed's aioctl.add(blink,
// sleep=6) typed at the REPL next to a running blink.

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control/api"
)

// AddedData is the result of clone and add: the new task and where it
// came from.
type AddedData struct {
	// Name is the new task's name (blink_1).
	Name string `json:"name"`
	// From is the task cloned, or the kind added.
	From string `json:"from"`
	// State is the new task's state (running, or scheduled for a kind
	// registered Deferred).
	State aioctl.State `json:"state"`
}

// nameAndJSON reads the [NAME] [JSON] after clone's SRC and add's KIND:
// with one of them, it is the JSON when api.IsJSONArg says so (valid
// JSON, or it starts with { or [: a task is not named 5 or {…}), else the
// name.
func nameAndJSON(c *call) (string, []byte, error) {
	rest := c.args[1:]
	var name, js string
	switch len(rest) {
	case 2:
		name, js = rest[0], rest[1]
	case 1:
		if api.IsJSONArg(rest[0]) {
			js = rest[0]
		} else {
			name = rest[0]
		}
	}
	if name != "" {
		if err := api.CheckName(name); err != nil {
			return "", nil, errorf(CodeBadArgument, c.verb.Name+": NAME: "+err.Error())
		}
		if aioctl.IsPattern(name) {
			return "", nil, errorf(CodeBadArgument, c.verb.Name+": NAME "+strconv.Quote(name)+" is a pattern: a new task needs a plain name")
		}
	}
	if js != "" && !json.Valid([]byte(js)) {
		return "", nil, errorf(CodeBadArgument, c.verb.Name+`: want JSON arguments like {"sleep": 6}, got `+strconv.Quote(truncate(js, 60)))
	}
	return name, []byte(js), nil
}

// nameFree refuses a NAME given to clone or add that a task has: the
// seed renamed it (blink_1), which at a prompt hides that it was taken and
// leaves the user steering a name they did not type. Only a NAME left out
// is numbered. Clone and add hold Interp.newMu from this check to the
// add, so two clients cannot both pass it with one name; a task the
// program itself adds with that name in between still gets numbered
// (aioctl's Add rule), and the answer says so by its name.
func (in *Interp) nameFree(c *call, name string) error {
	if name == "" {
		return nil
	}
	if _, taken := in.c.Group.Get(name); taken {
		return errorf(CodeConflict, c.verb.Name+": NAME "+strconv.Quote(name)+" is taken by a task: give another, or leave NAME out for a numbered one ("+esc(name)+"_N)")
	}
	return nil
}

func (in *Interp) hasKind(kind string) bool {
	for _, k := range in.c.Group.Kinds() {
		if k.Name == kind {
			return true
		}
	}
	return false
}

// serviceOwning returns the service whose task (NAME.service) or child
// task (NAME.service.CHILD) task is, "" when it is none's.
func (in *Interp) serviceOwning(task string) string {
	name, _, _ := strings.Cut(task, ".")
	if !strings.HasPrefix(task, name+aioservice.Suffix) {
		return ""
	}
	rest := strings.TrimPrefix(task, name+aioservice.Suffix)
	if rest != "" && rest[0] != '.' {
		return ""
	}
	if slices.Contains(in.serviceNames(), name) {
		return name
	}
	return ""
}

// verbError is err on one line, led by the verb as clone's and add's own
// errors are ("add: kind "blink": bad arguments: …").
func verbError(c *call, err error) error {
	e := oneLine(err).(*Error)
	if !strings.HasPrefix(e.Message, c.verb.Name+": ") {
		e.Message = c.verb.Name + ": " + e.Message
	}
	return e
}

func addedResult(t *aioctl.Task, from, how string) *Result {
	d := AddedData{Name: t.Name(), From: from, State: t.State()}
	return &Result{Data: d, Text: how + " " + esc(d.Name) + " (" + d.State.String() + ")\n"}
}

func runClone(ctx context.Context, in *Interp, c *call) (*Result, error) {
	src := c.args[0]
	name, patch, err := nameAndJSON(c)
	if err != nil {
		return nil, err
	}
	if _, ok := in.c.Group.Get(src); !ok {
		return nil, &aioctl.NotFoundError{Pattern: src}
	}
	if svc := in.serviceOwning(src); svc != "" {
		return nil, errorf(CodeBadArgument, "clone: "+strconv.Quote(src)+" is a service's task: the service manager starts, stops and watches it, "+
			"and a copy would run outside it; run another service instead: services add NAME JSON (help services add)")
	}
	in.newMu.Lock()
	defer in.newMu.Unlock()
	if err := in.nameFree(c, name); err != nil {
		return nil, err
	}
	t, err := in.c.Group.Clone(src, name, patch)
	if err != nil {
		return nil, verbError(c, err)
	}
	return addedResult(t, src, "cloned "+esc(src)+" as"), nil
}

func runAdd(ctx context.Context, in *Interp, c *call) (*Result, error) {
	kind := c.args[0]
	name, patch, err := nameAndJSON(c)
	if err != nil {
		return nil, err
	}
	in.newMu.Lock()
	defer in.newMu.Unlock()
	if err := in.nameFree(c, name); err != nil && in.hasKind(kind) {
		return nil, err // an unknown kind is said first, below
	}
	t, err := in.c.Group.AddKind(kind, name, patch)
	if errors.Is(err, aioctl.ErrUnknownKind) {
		var known []string
		for _, k := range in.c.Group.Kinds() {
			known = append(known, k.Name)
		}
		msg := "add: no kind " + strconv.Quote(kind) + " registered"
		if len(known) == 0 {
			msg += ": this program registered none (aioctl.Register)"
		} else {
			msg += "; kinds: " + strings.Join(known, ", ")
		}
		return nil, errorf(CodeNotFound, msg)
	}
	if err != nil {
		return nil, verbError(c, err)
	}
	return addedResult(t, kind, "added "+esc(kind)+" as"), nil
}

// kindsHelp is what help add adds: the kinds the program registered,
// each with its argument fields and their defaults.
func kindsHelp(in *Interp) string {
	kinds := in.c.Group.Kinds()
	if len(kinds) == 0 {
		return "  kinds: none (the program registers them with aioctl.Register)\n"
	}
	var b strings.Builder
	b.WriteString("  kinds (arguments and defaults; JSON fields merge over them):\n")
	for _, k := range kinds {
		b.WriteString("    " + esc(k.Name) + " ")
		if len(k.Fields) == 0 {
			b.WriteString(esc(string(k.Defaults)) + "\n")
			continue
		}
		for i, f := range k.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(esc(f.Name) + " " + esc(f.Type))
			if len(f.Default) > 0 {
				b.WriteString(" = " + esc(string(f.Default)))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
