package aioservice

import (
	"bytes"
	"encoding/json"
	"strings"
)

// pathOffset finds the value at the dotted path
// of field names in the JSON text raw, matching names as encoding/json
// does (exactly first, then ignoring case) and looking into arrays for
// the first element that has the next name. It returns the offset of the
// deepest part of the path it finds (0: raw itself).
func pathOffset(raw []byte, path string) int {
	off := 0
	val := raw
	for _, name := range strings.Split(path, ".") {
		found := false
		for !found {
			v := bytes.TrimLeft(val, " \t\r\n")
			lead := len(val) - len(v)
			if len(v) > 0 && v[0] == '[' {
				if o, sub, ok := firstHaving(v, name); ok {
					off, val = off+lead+o, sub
					continue
				}
				break
			}
			fields, ok := readObject(v, off+lead)
			if !ok {
				break
			}
			var hit *jfield
			for i := range fields {
				if fields[i].key == name {
					hit = &fields[i]
					break
				}
			}
			if hit == nil {
				for i := range fields {
					if strings.EqualFold(fields[i].key, name) {
						hit = &fields[i]
						break
					}
				}
			}
			if hit == nil {
				break
			}
			off, val, found = hit.valOff, hit.val, true
		}
		if !found {
			break
		}
	}
	return off
}

// firstHaving returns the offset in arr (a JSON array) and the text of
// its first element that is an object with a key matching name.
func firstHaving(arr []byte, name string) (int, []byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(arr))
	if _, err := dec.Token(); err != nil {
		return 0, nil, false
	}
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return 0, nil, false
		}
		at := int(dec.InputOffset()) - len(v)
		if fields, ok := readObject(v, 0); ok {
			for _, f := range fields {
				if strings.EqualFold(f.key, name) {
					return at, v, true
				}
			}
		}
	}
	return 0, nil, false
}
