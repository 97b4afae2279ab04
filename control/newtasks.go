package control

// New tasks at run time: clone and add, the seed's aioctl.add(blink,
// sleep=6) typed at the REPL next to a running blink.

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
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
// with one of them, it is the JSON when it is valid JSON (a task is not
// named 5 or {…}), else the name.
func nameAndJSON(c *call) (string, []byte, error) {
	rest := c.args[1:]
	var name, js string
	switch len(rest) {
	case 2:
		name, js = rest[0], rest[1]
	case 1:
		if json.Valid([]byte(rest[0])) {
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
	t, err := in.c.Group.Clone(src, name, patch)
	if err != nil {
		return nil, oneLine(err)
	}
	return addedResult(t, src, "cloned "+esc(src)+" as"), nil
}

func runAdd(ctx context.Context, in *Interp, c *call) (*Result, error) {
	kind := c.args[0]
	name, patch, err := nameAndJSON(c)
	if err != nil {
		return nil, err
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
		return nil, oneLine(err)
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
