package aioservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

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

// Validate checks the values as aioctl.RestartPolicy.Validate does.
func (r RestartConfig) Validate() error { return r.Policy().Validate() }

// Policy returns the restart policy.
func (r RestartConfig) Policy() aioctl.RestartPolicy {
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
	Exec        *ExecConfig
	Type        Type
	Info        string
	Docs        string

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

type parser struct {
	file string
	orig []byte
	exp  []byte
	m    offsetMap
	// nl holds the offsets of the original text's newlines, found once
	// (on first use) so that placing an entry is a binary search, not a
	// count over the text before it.
	nl     []int
	nlDone bool
	// work counts the bytes examined to compute lines and columns, so a
	// test can check that parsing stays linear.
	work int
}

// line returns the 1-based line of original offset o, and the offset at
// which that line starts.
func (p *parser) line(o int) (line, start int) {
	if !p.nlDone {
		p.nlDone = true
		p.work += len(p.orig)
		for i, c := range p.orig {
			if c == '\n' {
				p.nl = append(p.nl, i)
			}
		}
	}
	i := sort.SearchInts(p.nl, o) // the newlines before o
	if i > 0 {
		start = p.nl[i-1] + 1
	}
	return i + 1, start
}

// errAt returns a ConfigError at offset off of the expanded text.
func (p *parser) errAt(off int, field, msg string, err error) *ConfigError {
	o := p.m.orig(off)
	if o > len(p.orig) {
		o = len(p.orig)
	}
	line, start := p.line(o)
	p.work += o - start
	col := 1 + utf8.RuneCount(p.orig[start:o])
	return &ConfigError{File: p.file, Line: line, Column: col, Field: field, Msg: msg, Err: err}
}

type jfield struct {
	key            string
	keyOff, valOff int
	valEnd         int
	val            json.RawMessage
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ParseConfig parses the text of a config file named file. ${VAR} is
// expanded with lookup first. It checks the syntax, the keys and the
// types of the values it knows; the arguments, the schedule and the
// dependencies are checked against the services when a Manager uses it.
func ParseConfig(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	data = bytes.Clone(data) // the entries' values are slices of it
	p := &parser{file: file, orig: data}
	exp, m, bad, err := expandEnv(data, lookup)
	if err != nil {
		p.exp = data
		return nil, p.errAt(bad, "", err.Error(), err)
	}
	p.exp, p.m = exp, m
	c := &Config{File: file, byName: make(map[string]*Entry), p: p, open: -1, last: -1}
	if len(bytes.TrimSpace(exp)) == 0 {
		return c, nil
	}
	if !json.Valid(exp) {
		var raw json.RawMessage
		err := json.Unmarshal(exp, &raw)
		var se *json.SyntaxError
		off := len(exp)
		if errors.As(err, &se) {
			off = int(se.Offset) - 1
			if off < 0 {
				off = 0
			}
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if strings.Contains(msg, "unexpected end of JSON input") {
			off = len(exp)
		}
		if off >= len(exp) {
			msg = "unexpected end of the file (is a '}' or ']' missing?)"
		}
		return nil, p.errAt(off, "", "invalid JSON: "+msg, err)
	}
	start := 0
	for start < len(exp) && isSpace(exp[start]) {
		start++
	}
	fields, ok := readObject(exp[start:], start)
	if !ok {
		return nil, p.errAt(start, "", "the config must be a JSON object of services, not "+jsonKind(exp[start:]), nil)
	}
	c.open = m.origEnd(start + 1)
	for _, f := range fields {
		if _, dup := c.byName[f.key]; dup {
			return nil, p.errAt(f.keyOff, f.key, "service is configured twice", nil)
		}
		if !ValidName(f.key) {
			msg := "invalid service name (letters, digits, '_' and '-')"
			if strings.HasSuffix(f.key, Suffix) {
				msg = "write the service name without " + Suffix
			}
			return nil, p.errAt(f.keyOff, f.key, msg, nil)
		}
		e, err := p.entry(f)
		if err != nil {
			return nil, err
		}
		c.Entries = append(c.Entries, e)
		c.byName[e.Name] = e
		c.last = m.origEnd(f.valEnd)
	}
	return c, nil
}

var entryKeys = "enabled, args, kwargs, schedule, requires, after, restart, stop_timeout, exec, type, info, docs"

func (p *parser) entry(f jfield) (*Entry, error) {
	e := &Entry{Name: f.key, off: make(map[string]int), last: -1}
	e.off[""] = f.keyOff
	o := p.m.orig(f.keyOff)
	e.line, _ = p.line(o)
	fields, ok := readObject(f.val, f.valOff)
	if !ok {
		return nil, p.errAt(f.valOff, f.key, "a service's entry must be a JSON object, not "+jsonKind(f.val), nil)
	}
	e.objOpen = p.m.origEnd(f.valOff + 1)
	for _, g := range fields {
		if err := p.entryField(e, g, false); err != nil {
			return nil, err
		}
		e.last = p.m.origEnd(g.valEnd)
	}
	return e, nil
}

func (p *parser) entryField(e *Entry, g jfield, inKw bool) error {
	key := g.key
	if inKw && key == "require" { // the seed's spelling
		key = "requires"
	}
	field := e.Name + "." + key
	if inKw {
		field = e.Name + ".kwargs." + g.key
	}
	if _, seen := e.span(key); seen {
		return p.errAt(g.keyOff, field, "set twice (kwargs and the entry, or repeated)", nil)
	}
	e.off[key] = g.valOff
	e.spans = append(e.spans, keySpan{key, p.m.orig(g.valOff), p.m.origEnd(g.valEnd)})
	if inKw { // maps made only when needed: most entries have no kwargs
		if e.inKw == nil {
			e.inKw, e.written = map[string]bool{}, map[string]string{}
		}
		e.inKw[key] = true
		e.written[key] = "kwargs." + g.key
	}
	typeErr := func(want string) error {
		return p.errAt(g.valOff, field, "want "+want+", not "+jsonKind(g.val), nil)
	}
	switch key {
	case "enabled":
		b := string(g.val) == "true"
		if !b && string(g.val) != "false" {
			return typeErr("true or false")
		}
		e.Enabled = &b
	case "args":
		if path, off, dup := dupKey(g.val, g.valOff); dup {
			return p.errAt(off, field+path, "set twice", nil)
		}
		e.Args = g.val
	case "schedule":
		if g.val[0] != '{' {
			return typeErr("an object")
		}
		if path, off, dup := dupKey(g.val, g.valOff); dup {
			return p.errAt(off, field+path, "set twice", nil)
		}
		e.Schedule = g.val
	case "requires", "after":
		if g.val[0] != '[' {
			return typeErr("an array of service names")
		}
		elems, _ := readArray(g.val, g.valOff)
		list := []string{}
		for i, v := range elems {
			if v.val[0] != '"' {
				return p.errAt(v.valOff, field+"["+strconv.Itoa(i)+"]", "want a service name, not "+jsonKind(v.val), nil)
			}
			e.off[key+"["+strconv.Itoa(i)+"]"] = v.valOff
			list = append(list, strings.TrimSuffix(decodeKey(v.val), Suffix))
		}
		if key == "requires" {
			e.Requires = list
		} else {
			e.After = list
		}
	case "restart":
		var r RestartConfig
		if err := p.decodeFields(g, field, &r, map[string]any{
			"mode": &r.Mode, "delay": &r.Delay, "factor": &r.Factor, "max_delay": &r.MaxDelay,
			"jitter": &r.Jitter, "reset_after": &r.ResetAfter, "budget": &r.Budget, "window": &r.Window}); err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return p.policyError(g, field, err)
		}
		e.Restart = &r
	case "stop_timeout":
		v, err := aioctl.ParseDurationJSON(g.val)
		if err != nil {
			return p.errAt(g.valOff, field, jsonMessage(err, g.val), err)
		}
		d := Duration(v)
		e.StopTimeout = &d
	case "exec":
		var x ExecConfig
		if err := p.decodeFields(g, field, &x, map[string]any{"argv": &x.Argv, "dir": &x.Dir, "env": &x.Env}); err != nil {
			return err
		}
		if len(x.Argv) == 0 || x.Argv[0] == "" {
			return p.errAt(g.valOff, field+".argv", "an exec service needs a command: \"argv\": [\"program\", \"arg\", …]", nil)
		}
		e.Exec = &x
	case "type", "info", "docs":
		var s string
		if json.Unmarshal(g.val, &s) != nil {
			return typeErr("a string")
		}
		switch key {
		case "type":
			if !Type(s).Valid() {
				return p.errAt(g.valOff, field, "unknown type "+strconv.Quote(s)+" (want core.service, runtime.service or schedule.service)", nil)
			}
			e.Type = Type(s)
		case "info":
			e.Info = s
		default:
			e.Docs = s
		}
	case "kwargs":
		if inKw {
			return p.errAt(g.keyOff, field, "unknown key", nil)
		}
		fields, ok := readObject(g.val, g.valOff)
		if !ok {
			return typeErr("an object")
		}
		for _, h := range fields {
			switch h.key {
			case "schedule", "requires", "require", "after", "restart":
			default:
				return p.errAt(h.keyOff, field+"."+h.key, "unknown key (kwargs may hold schedule, requires, after, restart)", nil)
			}
			if err := p.entryField(e, h, true); err != nil {
				return err
			}
		}
	default:
		return p.errAt(g.keyOff, field, "unknown key (want one of "+entryKeys+")", nil)
	}
	return nil
}

// decodeFields decodes the object g field by field into dst's fields,
// naming an unknown key or a bad value with its position.
func (p *parser) decodeFields(g jfield, field string, dst any, targets map[string]any) error {
	fields, ok := readObject(g.val, g.valOff)
	if !ok {
		return p.errAt(g.valOff, field, "want an object, not "+jsonKind(g.val), nil)
	}
	seen := make(map[string]bool, len(fields))
	for _, h := range fields {
		if seen[h.key] {
			return p.errAt(h.keyOff, field+"."+h.key, "set twice", nil)
		}
		seen[h.key] = true
		if len(h.val) > 0 && h.val[0] == '{' { // exec.env: its keys once each too
			if inner, ok := readObject(h.val, h.valOff); ok {
				in := make(map[string]bool, len(inner))
				for _, k := range inner {
					if in[k.key] {
						return p.errAt(k.keyOff, field+"."+h.key+"."+k.key, "set twice", nil)
					}
					in[k.key] = true
				}
			}
		}
		t, known := targets[h.key]
		if !known {
			keys := make([]string, 0, len(targets))
			for k := range targets {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return p.errAt(h.keyOff, field+"."+h.key, "unknown key (want one of "+strings.Join(keys, ", ")+")", nil)
		}
		if err := json.Unmarshal(h.val, t); err != nil {
			return p.errAt(h.valOff, field+"."+h.key, jsonMessage(err, h.val), err)
		}
	}
	return nil
}

// policyError places a *aioctl.PolicyError from validating the restart
// object g at the value of the key it names.
func (p *parser) policyError(g jfield, field string, err error) error {
	var pe *aioctl.PolicyError
	if !errors.As(err, &pe) {
		return p.errAt(g.valOff, field, err.Error(), err)
	}
	off := g.valOff
	if fields, ok := readObject(g.val, g.valOff); ok {
		for _, h := range fields {
			if h.key == pe.Field {
				off = h.valOff
			}
		}
	}
	return p.errAt(off, field+"."+pe.Field, pe.Msg, err)
}

// jsonMessage turns a decoding error into a short message.
func jsonMessage(err error, val []byte) string {
	var de *aioctl.DurationError
	if errors.As(err, &de) {
		return de.Msg
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "want " + te.Type.String() + ", not " + jsonKind(val)
	}
	var ae *aioctl.ArgError
	if errors.As(err, &ae) {
		return ae.Msg
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// argsError places an error from decoding the "args" of entry e: an
// *aioctl.ArgError names the field's path, which is found in the text
// (the decoder's byte offsets are not used: durations are rewritten
// before decoding, which moves them).
func (c *Config) argsError(e *Entry, err error) *ConfigError {
	base := e.off["args"]
	raw := e.Args
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return c.p.errAt(base+int(se.Offset)-1, e.Name+".args", "invalid JSON: "+se.Error(), err)
	}
	var ae *aioctl.ArgError
	if !errors.As(err, &ae) || ae.Field == "" || ae.Field == "(value)" {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if ae != nil {
			msg = ae.Msg
		}
		return c.p.errAt(base, e.Name+".args", msg, err)
	}
	field := e.Name + ".args." + ae.Field
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return c.p.errAt(base+pathOffset(raw, ae.Field), field, "cannot use "+te.Value+" as "+te.Type.String(), err)
	case ae.Msg == "unknown field":
		// encoding/json names only the last key of an unknown field.
		return c.p.errAt(base+keyOffset(raw, ae.Field), field, "unknown field (not in the service's arguments)", err)
	}
	return c.p.errAt(base+pathOffset(raw, ae.Field), field, ae.Msg, err)
}
