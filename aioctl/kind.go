package aioctl

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
)

// Errors of Register and AddKind; test for them with errors.Is.
var (
	// ErrUnknownKind: no function is registered under the kind's name.
	ErrUnknownKind = errors.New("no such kind of task (see Group.Kinds)")
	// ErrKindTaken: Register was called twice with one name.
	ErrKindTaken = errors.New("kind already registered")
)

// KindError is an error about one kind of task (Register, AddKind).
type KindError struct {
	Kind string
	Err  error
}

// Error names the kind and says what went wrong.
func (e *KindError) Error() string { return "kind " + quote(e.Kind) + ": " + e.Err.Error() }

// Unwrap returns the cause (ErrUnknownKind, ErrKindTaken, an *ArgError).
func (e *KindError) Unwrap() error { return e.Err }

// KindInfo describes a kind of task a group can add by name at run time
// (Register): the seed's REPL could add any function it could name, and a
// Go program names the ones it offers.
type KindInfo struct {
	// Name is the kind's name, given to Register and AddKind.
	Name string `json:"name"`
	// Func is the function's full name.
	Func string `json:"func"`
	// Defaults are the default arguments as JSON (durations as Go
	// duration strings, as status shows arguments).
	Defaults json.RawMessage `json:"defaults"`
	// Fields are the fields of arguments that are a struct, in order.
	Fields []KindField `json:"fields,omitempty"`
}

// KindField is one field of a kind's arguments.
type KindField struct {
	// Name is the field's JSON key.
	Name string `json:"name"`
	// Type is its Go type ("int", "[]string"), or "duration" for a
	// time.Duration (written by the Duration rule: 5 or "5s").
	Type string `json:"type"`
	// Default is its default value as JSON.
	Default json.RawMessage `json:"default,omitempty"`
}

// kindEntry is one registered function: a template runner whose arguments
// are the defaults, and the options each of its tasks gets.
type kindEntry struct {
	info KindInfo
	cfg  taskConfig
	r    runner
}

// Register offers fn under the name kind, so that AddKind (the control
// verb "add KIND [NAME] [JSON]") can start tasks of it at run time with
// defaults merged with the JSON it is given. The options (restart policy,
// callbacks, stop timeout, Deferred) apply to every such task; the task is
// named after the kind unless AddKind names it. Callback types that do not
// match fn's, an invalid restart policy, an empty kind or one registered
// before are an error, and register nothing.
func Register[A, R any](g *Group, kind string, fn Func[A, R], defaults A, opts ...Option) error {
	if kind == "" {
		return &KindError{Kind: kind, Err: errors.New("empty kind name")}
	}
	r := new(typedRunner[A, R])
	c, err := newRunner(r, fn, defaults, opts)
	if err != nil {
		return &KindError{Kind: kind, Err: err}
	}
	defJSON, err := MarshalArgs(defaults)
	if err != nil {
		return &KindError{Kind: kind, Err: &ArgError{Msg: "defaults cannot be encoded as JSON: " + err.Error()}}
	}
	info := KindInfo{Name: kind, Func: r.funcName(), Defaults: defJSON, Fields: kindFields(reflect.TypeOf(defaults), defJSON)}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.kinds[kind] != nil {
		return &KindError{Kind: kind, Err: ErrKindTaken}
	}
	if g.kinds == nil {
		g.kinds = make(map[string]*kindEntry)
	}
	g.kinds[kind] = &kindEntry{info: info, cfg: c, r: r}
	return nil
}

// Kinds returns the registered kinds, sorted by name.
func (g *Group) Kinds() []KindInfo {
	g.mu.RLock()
	out := make([]KindInfo, 0, len(g.kinds))
	for _, k := range g.kinds {
		out = append(out, k.info)
	}
	g.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AddKind adds a task of a registered kind and starts it (unless the kind
// was registered Deferred). Its arguments are the kind's defaults with
// patch merged over them as SetArgsJSON merges (empty: the defaults). It
// is named name, or after the kind when name is "", de-duplicated as Add
// does (blink, blink_1, …). An unknown kind is a *KindError matching
// ErrUnknownKind; a patch that does not fit, one whose cause is an *ArgError.
func (g *Group) AddKind(kindName, name string, patch []byte) (*Task, error) {
	g.mu.RLock()
	k := g.kinds[kindName]
	g.mu.RUnlock()
	if k == nil {
		return nil, &KindError{Kind: kindName, Err: ErrUnknownKind}
	}
	r, err := k.r.clone(patch)
	if err != nil {
		return nil, &KindError{Kind: kindName, Err: err}
	}
	c := k.cfg
	c.name = kindName
	if name != "" {
		c.name = name
	}
	return g.addStarted(nil, c, r), nil
}

// Clone adds a task running the same function as the task src, with its
// restart policy, stop timeout and callbacks, and with src's arguments
// (those its next start would get) merged with patch as SetArgsJSON
// merges (empty: the same arguments), and starts it: the seed's
// add(blink, sleep=6) next to a running blink. It is named name, or when
// name is "" by the name src was added with, de-duplicated as Add does:
// cloning blink gives blink_1, then blink_2. src is left as it is. An
// unknown src is a *NotFoundError; a patch that does not fit, a
// *TaskError naming src whose cause is an *ArgError.
func (g *Group) Clone(src, name string, patch []byte) (*Task, error) {
	t, ok := g.Get(src)
	if !ok {
		return nil, &NotFoundError{Pattern: src}
	}
	r, err := t.r.clone(patch)
	if err != nil {
		return nil, &TaskError{Task: src, Err: err}
	}
	c := t.config()
	c.deferred = false
	if name != "" {
		c.name = name
	}
	return g.addStarted(nil, c, r), nil
}

// kindFields lists the JSON fields of a struct type t, with their
// defaults taken from defJSON (the defaults as MarshalArgs gives them).
func kindFields(t reflect.Type, defJSON []byte) []KindField {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var defs map[string]json.RawMessage
	_ = json.Unmarshal(defJSON, &defs)
	var out []KindField
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			typ := ft.String()
			if isDuration(ft) {
				typ = "duration"
			}
			out = append(out, KindField{Name: name, Type: typ, Default: defs[name]})
		}
	}
	walk(t)
	return out
}

// argsKind is the kind of an argument type, through pointers (Invalid
// for a nil interface).
func argsKind(t reflect.Type) reflect.Kind {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return reflect.Invalid
	}
	return t.Kind()
}

// exampleObject is v as JSON for an error message, cut short when long.
func exampleObject(v any) string {
	b, err := MarshalArgs(v)
	if err != nil || len(b) == 0 || b[0] != '{' {
		return `{"field": value}`
	}
	if len(b) > 60 {
		return string(b[:57]) + "…"
	}
	return string(b)
}

// jsonKindOf names the kind of JSON value b holds, for an error message.
func jsonKindOf(b []byte) string {
	b = bytes.TrimSpace(b)
	if !json.Valid(b) {
		return "text that is not JSON"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
