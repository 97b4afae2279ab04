package aioctl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var (
	durationType    = reflect.TypeOf(time.Duration(0))
	durationValType = reflect.TypeOf(Duration(0))
)

// isDuration reports whether t is a duration that the Duration rule
// applies to: time.Duration, or Duration itself.
func isDuration(t reflect.Type) bool { return t == durationType || t == durationValType }

// UnmarshalArgs decodes the JSON object data into v, a pointer to a
// task's arguments, as SetArgsJSON does: a time.Duration or Duration
// field, however deep, follows the Duration rule (a number is seconds, a
// string a Go duration, negative and out-of-range values refused); a
// field that the type does not have is refused. Every error is an
// *ArgError naming the field. On error v may be partly written: decode
// into a copy.
func UnmarshalArgs(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &ArgError{Msg: "UnmarshalArgs needs a non-nil pointer, not " + typeName(v)}
	}
	data, err := durationStrings(rv.Type().Elem(), data)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonArgError(err)
	}
	// Anything after the value, even a stray '}' that dec.More lets by.
	if _, err := dec.Token(); err != io.EOF {
		return &ArgError{Msg: "more than one JSON value, or text after it"}
	}
	return nil
}

// MarshalArgs encodes a task's arguments as status shows them: JSON with
// every time.Duration as a Go duration string ({"pin": 2, "sleep": "5s"}),
// which UnmarshalArgs and SetArgsJSON read back. (encoding/json would
// write nanoseconds, which the Duration rule would read as seconds.)
func MarshalArgs(v any) ([]byte, error) {
	b, err := marshalText(v)
	if err != nil {
		return nil, err
	}
	return durationDisplay(reflect.TypeOf(v), b), nil
}

// marshalText is json.Marshal without its HTML escaping: arguments are
// shown on terminals and in JSON answers, where "<b> & x" written as
// "\u003cb\u003e \u0026 x" only hides what the task was given (the web
// page escapes its HTML itself).
func marshalText(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// hasDuration reports whether a value of type t can hold a duration that
// encoding/json would reach.
func hasDuration(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isDuration(t) {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return hasDuration(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasDuration(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// durationStrings checks, by the Duration rule, the values that a JSON
// patch puts where type t has a duration, and rewrites those of the
// time.Duration fields into nanoseconds for encoding/json. A bad one is
// an *ArgError naming its field. A patch that is not valid JSON, or whose
// type has no duration, comes back unchanged for the decoder to report.
func durationStrings(t reflect.Type, patch []byte) ([]byte, error) {
	return rewriteDurations(t, patch, func(ft reflect.Type, v any, path string) (any, bool, error) {
		var d time.Duration
		var err error
		switch x := v.(type) {
		case json.Number:
			d, err = secondsOrError(string(x))
		case string:
			d, err = ParseDuration(x)
		default: // null leaves the field as it is; other kinds are encoding/json's to report
			return v, false, nil
		}
		if err != nil {
			field := path
			if field == "" {
				field = "(value)"
			}
			var de *DurationError
			if errors.As(err, &de) {
				de.Field = field
				return nil, false, &ArgError{Field: field, Msg: de.Msg, Err: de}
			}
			return nil, false, &ArgError{Field: field, Msg: err.Error(), Err: err}
		}
		if ft != durationType {
			return v, false, nil // a Duration decodes itself
		}
		return json.Number(strconv.FormatInt(int64(d), 10)), true, nil
	})
}

// secondsOrError reads a JSON number of seconds.
func secondsOrError(n string) (time.Duration, error) {
	if !isNumber(n) {
		return 0, &DurationError{Value: n, Msg: "invalid duration " + n + durationHint}
	}
	return secondsDuration(n)
}

// durationDisplay rewrites the nanosecond numbers that encoding/json gives
// for the time.Duration values of type t into Go duration strings, as
// status shows arguments ({"pin": 2, "sleep": "5s"}); SetArgsJSON takes
// them back. Objects holding a duration come out with sorted keys.
func durationDisplay(t reflect.Type, js []byte) []byte {
	out, err := rewriteDurations(t, js, func(ft reflect.Type, v any, _ string) (any, bool, error) {
		n, ok := v.(json.Number)
		if !ok || ft != durationType {
			return v, false, nil
		}
		ns, err := n.Int64()
		if err != nil {
			return v, false, nil
		}
		return time.Duration(ns).String(), true, nil
	})
	if err != nil {
		return js
	}
	return out
}

// rewriteDurations applies leaf to every value that sits where type t has
// a time.Duration, and re-encodes js if leaf changed any.
func rewriteDurations(t reflect.Type, js []byte, leaf durationLeaf) ([]byte, error) {
	if !hasDuration(t, map[reflect.Type]bool{}) || !json.Valid(js) {
		return js, nil
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return js, nil
	}
	changed := false
	v, err := fixDurations(t, v, "", leaf, &changed)
	if err != nil || !changed {
		return js, err
	}
	return marshalText(v)
}

// durationLeaf converts one value found where a duration of type t goes;
// it reports whether it changed it.
type durationLeaf func(t reflect.Type, v any, path string) (any, bool, error)

func fixDurations(t reflect.Type, v any, path string, leaf durationLeaf, changed *bool) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isDuration(t) {
		nv, ok, err := leaf(t, v, path)
		if err != nil {
			return nil, err
		}
		if ok {
			*changed = true
		}
		return nv, nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return v, nil
		}
		for i := range list {
			var err error
			if list[i], err = fixDurations(t.Elem(), list[i], path, leaf, changed); err != nil {
				return nil, err
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		for k := range obj {
			var err error
			if obj[k], err = fixDurations(t.Elem(), obj[k], join(path, k), leaf, changed); err != nil {
				return nil, err
			}
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		return obj, fixStruct(t, obj, path, leaf, changed)
	}
	return v, nil
}

// fixStruct visits the JSON keys of obj that name fields of struct type t,
// by encoding/json's rules: the json tag's name or the field's name, in
// any case; untagged embedded structs are promoted.
func fixStruct(t reflect.Type, obj map[string]any, path string, leaf durationLeaf, changed *bool) error {
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
			if err := fixStruct(ft, obj, path, leaf, changed); err != nil {
				return err
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		// Every key that encoding/json could assign to the field: with
		// "SLEEP" and "Sleep" both present, the one left unchecked could
		// be the one that wins.
		for k, v := range obj {
			if k != name && !strings.EqualFold(k, name) {
				continue
			}
			v, err := fixDurations(f.Type, v, join(path, name), leaf, changed)
			if err != nil {
				return err
			}
			obj[k] = v
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
