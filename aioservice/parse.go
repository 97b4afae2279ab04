package aioservice

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
)

// This file reads the config text into a Config: the top-level object,
// each entry's keys and their values, with errors that name the field at
// its position.

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
		if !validName(f.key) {
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

var entryKeys = "enabled, args, kwargs, schedule, requires, after, restart, stop_timeout, readiness, children, exec, type, info, docs, log_level"

// logLevelWords are the words "log_level" takes (in any case): aiolog's
// level names; the manager hands the word to the program (SetLogLevelFunc).
var logLevelWords = []string{"debug", "info", "warn", "warning", "error", "crit", "critical"}

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
		if err := r.policy().Validate(); err != nil {
			return p.policyError(g, field, err)
		}
		e.Restart = &r
	case "readiness": // config_supervision.go
		return p.readiness(e, g, field)
	case "children":
		return p.children(e, g, field)
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
	case "log_level":
		var s string
		if json.Unmarshal(g.val, &s) != nil {
			return typeErr("a level: debug, info, warn, error or crit")
		}
		if !slices.Contains(logLevelWords, strings.ToLower(s)) {
			return p.errAt(g.valOff, field, "unknown level "+strconv.Quote(s)+" (want debug, info, warn, error or crit)", nil)
		}
		e.LogLevel = s
	case "type", "info", "docs":
		var s string
		if json.Unmarshal(g.val, &s) != nil {
			return typeErr("a string")
		}
		switch key {
		case "type":
			if !Type(s).valid() {
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
		want := wantType(te.Type)
		if want == "an integer" {
			return "want an integer, not " + valueKind(val) // 2.5, 1e20: say which
		}
		return "want " + want + ", not " + jsonKind(val)
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

// wantType names the Go type t a JSON value should have decoded to, in
// the config's words rather than Go's: a user never wrote
// "**aioctl.Strategy", but a string.
func wantType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	}
	return t.String()
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// valueKind is jsonKind, but a number is shown as written (1e20, 2.5):
// where an integer is wanted, "a number" would not say what is wrong.
func valueKind(val []byte) string {
	if k := jsonKind(val); k != "a number" || len(val) > 32 || strings.Trim(string(val), "0123456789+-.eE") != "" {
		return k
	}
	return string(val)
}
