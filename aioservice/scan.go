package aioservice

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The config's values are located by a small scanner over text that
// encoding/json has already checked: one pass per level, no allocation
// per value, so a large file parses in time linear in its size.

// jfield is one member of a JSON object (or element of an array, key
// empty): its key, and where its key and its value are.
type jfield struct {
	key            string
	keyOff, valOff int
	valEnd         int
	val            json.RawMessage
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(raw []byte, i int) int {
	for i < len(raw) && isSpace(raw[i]) {
		i++
	}
	return i
}

// stringEnd returns the offset just past the JSON string that starts at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// skipValue returns the offset just past the JSON value that starts at i.
func skipValue(raw []byte, i int) int {
	if i >= len(raw) {
		return i
	}
	switch raw[i] {
	case '"':
		return stringEnd(raw, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(raw); j++ {
			switch raw[j] {
			case '"':
				j = stringEnd(raw, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(raw)
	}
	j := i
	for j < len(raw) && !isSpace(raw[j]) && raw[j] != ',' && raw[j] != '}' && raw[j] != ']' {
		j++
	}
	return j
}

// decodeKey decodes the JSON string s (a key, or any string) as
// encoding/json does.
func decodeKey(s []byte) string {
	plain := true
	for _, c := range s[1 : len(s)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(s[1 : len(s)-1])
	}
	var k string
	json.Unmarshal(s, &k)
	return k
}

// readObject lists the fields of the JSON object raw, which starts at
// offset base of the text. raw must be valid JSON; false: not an object.
func readObject(raw []byte, base int) ([]jfield, bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	out := make([]jfield, 0, 4)
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] != '}'; i = skipSpace(raw, i) {
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		if i >= len(raw) || raw[i] != '"' {
			return nil, false
		}
		ks, ke := i, stringEnd(raw, i)
		i = skipSpace(raw, ke)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		vs := skipSpace(raw, i+1)
		ve := skipValue(raw, vs)
		if ve <= vs {
			return nil, false
		}
		out = append(out, jfield{key: decodeKey(raw[ks:ke]), keyOff: base + ks, valOff: base + vs, valEnd: base + ve, val: raw[vs:ve]})
		i = ve
	}
	return out, true
}

// readArray lists the elements of the JSON array raw (offsets as
// readObject's, key empty). raw must be valid JSON; false: not an array.
func readArray(raw []byte, base int) ([]jfield, bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return nil, false
	}
	var out []jfield
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] != ']'; i = skipSpace(raw, i) {
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		vs := i
		ve := skipValue(raw, vs)
		if ve <= vs {
			return nil, false
		}
		out = append(out, jfield{keyOff: base + vs, valOff: base + vs, valEnd: base + ve, val: raw[vs:ve]})
		i = ve
	}
	return out, true
}

// jsonKind names the kind of a JSON value, for messages.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// dupKey finds a key set twice in an object of the JSON value raw (at
// offset base), at any depth (the decoder would silently keep the last
// one): its path below raw (".a[0].b") and offset.
func dupKey(raw []byte, base int) (path string, off int, dup bool) {
	switch raw[0] {
	case '{':
		fields, _ := readObject(raw, base)
		var seen map[string]bool
		if len(fields) > 1 {
			seen = make(map[string]bool, len(fields))
		}
		for _, f := range fields {
			if seen != nil {
				if seen[f.key] {
					return "." + f.key, f.keyOff, true
				}
				seen[f.key] = true
			}
			if path, off, dup := dupKey(f.val, f.valOff); dup {
				return "." + f.key + path, off, true
			}
		}
	case '[':
		elems, _ := readArray(raw, base)
		for i, v := range elems {
			if path, off, dup := dupKey(v.val, v.valOff); dup {
				return "[" + strconv.Itoa(i) + "]" + path, off, true
			}
		}
	}
	return "", 0, false
}

// keyOffset finds the key "name" in the JSON text raw (0 when absent).
func keyOffset(raw []byte, name string) int {
	q, _ := json.Marshal(name)
	for i := 0; ; {
		j := bytes.Index(raw[i:], q)
		if j < 0 {
			return 0
		}
		k := i + j + len(q)
		for k < len(raw) && isSpace(raw[k]) {
			k++
		}
		if k < len(raw) && raw[k] == ':' {
			return i + j
		}
		i += j + 1
	}
}
