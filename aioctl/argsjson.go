package aioctl

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var durationType = reflect.TypeOf(time.Duration(0))

// hasDuration reports whether a value of type t can hold a time.Duration
// that encoding/json would reach.
func hasDuration(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
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

// durationStrings rewrites the Go duration strings ("3s", "1m30s") that a
// JSON patch puts where type t has a time.Duration into nanoseconds, so
// that encoding/json accepts them. A patch that is not valid JSON, or has
// no duration in its type, comes back unchanged for the decoder to report.
func durationStrings(t reflect.Type, patch []byte) ([]byte, error) {
	return rewriteDurations(t, patch, func(v any, path string) (any, bool, error) {
		s, ok := v.(string)
		if !ok {
			return v, false, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			field := path
			if field == "" {
				field = "(value)"
			}
			return nil, false, &ArgError{Field: field, Msg: "cannot use " + quote(s) +
				` as time.Duration: want nanoseconds or a duration like "3s"`}
		}
		return json.Number(strconv.FormatInt(int64(d), 10)), true, nil
	})
}

// durationDisplay rewrites the nanosecond numbers that encoding/json gives
// for the time.Duration values of type t into Go duration strings, as
// status shows arguments ({"pin": 2, "sleep": "5s"}); SetArgsJSON takes
// them back. Objects holding a duration come out with sorted keys.
func durationDisplay(t reflect.Type, js []byte) []byte {
	out, err := rewriteDurations(t, js, func(v any, _ string) (any, bool, error) {
		n, ok := v.(json.Number)
		if !ok {
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
	return json.Marshal(v)
}

// durationLeaf converts one value found where a time.Duration goes; it
// reports whether it changed it.
type durationLeaf func(v any, path string) (any, bool, error)

func fixDurations(t reflect.Type, v any, path string, leaf durationLeaf, changed *bool) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		nv, ok, err := leaf(v, path)
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
// by encoding/json's rules: the json tag's name or the field's name, exact
// match first, then ignoring case; untagged embedded structs are promoted.
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
		key, ok := name, false
		if _, ok = obj[key]; !ok {
			for k := range obj {
				if strings.EqualFold(k, name) {
					key, ok = k, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		v, err := fixDurations(f.Type, obj[key], join(path, name), leaf, changed)
		if err != nil {
			return err
		}
		obj[key] = v
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
