package aioservice

import (
	"encoding/json"
	"unicode/utf8"
)

// The config's values are located by a small scanner over text that
// encoding/json has already checked: one pass per level, no allocation
// per value, so a large file parses in time linear in its size.

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
