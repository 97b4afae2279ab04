package control

// User verbs' handlers: Func and Words, and how Func types and decodes a
// verb's words (or its JSON object) into the fields of its arguments
// struct. userverbs.go registers, parses and runs them.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Handler runs a user verb; make one with Func or Words.
type Handler struct {
	usage    string
	min, max int // positional arguments; max -1: any
	args     []argField
	err      error // from Func: a type it cannot decode
	run      func(ctx context.Context, args []string) (any, error)
}

// argField is one positional argument of a Func handler: a field of A.
type argField struct {
	name, kind, help string
	index            int
	optional, rest   bool
}

// Func makes the handler of a verb whose arguments are the fields of the
// struct A, in order: "blink-rate 5 red" fills the first two exported
// fields. Field types: string, bool (true/false/on/off), the int, uint and
// float kinds, time.Duration, and as the last field a slice of those,
// which takes the remaining words. A field's tag `arg:"RATE,optional"`
// names its placeholder (default: the field name in capitals) and makes
// it and the fields after it optional; `help:"…"` says what it is in
// `help VERB`. The only argument may also be a JSON object, decoded into
// A by encoding/json (unknown fields are an error). A word that does not
// parse is a bad_argument error naming the argument. R is the result:
// a string or fmt.Stringer prints as it is, anything else as JSON; with
// -o json it is the answer's data.
func Func[A, R any](fn func(ctx context.Context, args A) (R, error)) Handler {
	h := Handler{max: 0}
	t := reflect.TypeFor[A]()
	if t.Kind() != reflect.Struct {
		h.err = fmt.Errorf("%w: the arguments type %s is not a struct", ErrVerbHandler, t)
		return h
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("arg"), ",")
		if name == "" {
			name = strings.ToUpper(f.Name)
		}
		a := argField{name: name, help: f.Tag.Get("help"), index: i, optional: opts == "optional"}
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			a.rest, ft = true, ft.Elem()
		}
		if a.kind = kindOf(ft); a.kind == "" {
			h.err = fmt.Errorf("%w: field %s of %s has type %s, not one Func decodes", ErrVerbHandler, f.Name, t, f.Type)
			return h
		}
		if n := len(h.args); n > 0 && h.args[n-1].rest {
			h.err = fmt.Errorf("%w: field %s of %s comes after the slice field %s", ErrVerbHandler, f.Name, t, t.Field(h.args[n-1].index).Name)
			return h
		}
		if n := len(h.args); n > 0 && h.args[n-1].optional && !a.optional && !a.rest {
			h.err = fmt.Errorf("%w: field %s of %s is required but follows an optional one", ErrVerbHandler, f.Name, t)
			return h
		}
		h.args = append(h.args, a)
	}
	var usage []string
	for _, a := range h.args {
		u := a.name
		if a.rest {
			u += "..."
		}
		if a.optional || a.rest {
			u = "[" + u + "]"
		} else {
			h.min++
		}
		usage = append(usage, u)
	}
	h.usage, h.max = strings.Join(usage, " "), len(h.args)
	if n := len(h.args); n > 0 && h.args[n-1].rest {
		h.max = -1
	}
	args := h.args
	h.run = func(ctx context.Context, words []string) (any, error) {
		var a A
		if err := decodeArgs(reflect.ValueOf(&a).Elem(), args, words); err != nil {
			return nil, err
		}
		return fn(ctx, a)
	}
	return h
}

// Words makes the handler of a verb that takes its words as they are
// typed (usage is their synopsis for help, "[WORD...]"); it checks them
// itself, and returns a bad_argument *Error (BadArgument) when they are
// wrong.
func Words[R any](usage string, fn func(ctx context.Context, args []string) (R, error)) Handler {
	return Handler{usage: usage, max: -1, run: func(ctx context.Context, words []string) (any, error) {
		return fn(ctx, words)
	}}
}

// BadArgument is a bad_argument error with this message, for a verb's
// handler to return: front ends show it as a usage error (exit 2).
func BadArgument(msg string) error { return errorf(CodeBadArgument, msg) }

func kindOf(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "duration"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "uint"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return ""
}

// decodeArgs fills the struct v from words: one JSON object, or the
// words in the order of the fields.
func decodeArgs(v reflect.Value, fields []argField, words []string) error {
	if len(words) == 1 && strings.HasPrefix(words[0], "{") && len(fields) > 0 {
		dec := json.NewDecoder(strings.NewReader(words[0]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v.Addr().Interface()); err != nil {
			return errorf(CodeBadArgument, "arguments as JSON: "+err.Error())
		}
		return nil
	}
	for i, a := range fields {
		if i >= len(words) {
			break
		}
		f := v.Field(a.index)
		if !a.rest {
			if err := setWord(f, words[i]); err != nil {
				return errorf(CodeBadArgument, a.name+": "+strconv.Quote(truncate(words[i], 60))+" is not "+article(a.kind)+err.Error())
			}
			continue
		}
		s := reflect.MakeSlice(f.Type(), len(words)-i, len(words)-i)
		for j, w := range words[i:] {
			if err := setWord(s.Index(j), w); err != nil {
				return errorf(CodeBadArgument, a.name+" "+strconv.Itoa(j+1)+": "+strconv.Quote(truncate(w, 60))+" is not "+article(a.kind)+err.Error())
			}
		}
		f.Set(s)
	}
	return nil
}

func article(kind string) string {
	switch kind {
	case "int", "uint":
		return "an " + kind
	case "bool":
		return "true, false, on or off"
	}
	return "a " + kind
}

// setWord parses w into f by f's kind; the error is "" or a detail
// (": out of range").
func setWord(f reflect.Value, w string) error {
	var err error
	switch kindOf(f.Type()) {
	case "string":
		f.SetString(w)
		return nil
	case "duration":
		var d time.Duration
		if d, err = time.ParseDuration(w); err == nil {
			f.SetInt(int64(d))
		}
	case "bool":
		switch strings.ToLower(w) {
		case "true", "on", "yes", "1":
			f.SetBool(true)
		case "false", "off", "no", "0":
			f.SetBool(false)
		default:
			err = errors.New("")
		}
	case "int":
		var n int64
		if n, err = strconv.ParseInt(w, 10, f.Type().Bits()); err == nil {
			f.SetInt(n)
		}
	case "uint":
		var n uint64
		if n, err = strconv.ParseUint(w, 10, f.Type().Bits()); err == nil {
			f.SetUint(n)
		}
	case "number":
		var n float64
		if n, err = strconv.ParseFloat(w, f.Type().Bits()); err == nil {
			f.SetFloat(n)
		}
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return errors.New(" in range")
	}
	return errors.New("")
}
