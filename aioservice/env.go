package aioservice

// This file expands ${VAR} in the config text (recording where each
// substitution went, for positions) and reads the .env file.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// expandEnv replaces ${VAR} with lookup(VAR). Inside a JSON string the
// value is escaped as JSON string text; outside one it is inserted as is
// (so "pin": ${PIN} can be a number). "$${" stands for a literal "${". An
// unset or malformed variable is an error at its offset.
func expandEnv(data []byte, lookup func(string) (string, bool)) ([]byte, offsetMap, int, error) {
	if !bytes.Contains(data, []byte("${")) {
		return data, nil, 0, nil
	}
	var out []byte
	var m offsetMap
	inStr := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inStr {
			if c == '\\' && i+1 < len(data) {
				out = append(out, c, data[i+1])
				i++
				continue
			}
			if c == '"' {
				inStr = false
			}
		} else if c == '"' {
			inStr = true
		}
		if c == '$' && i+2 < len(data) && data[i+1] == '$' && data[i+2] == '{' {
			m = append(m, seg{i, i + 3, len(out), len(out) + 2})
			out = append(out, '$', '{')
			i += 2
			continue
		}
		if c != '$' || i+1 >= len(data) || data[i+1] != '{' {
			out = append(out, c)
			continue
		}
		end := bytes.IndexByte(data[i:], '}')
		if end < 0 {
			return nil, nil, i, fmt.Errorf("unterminated ${ (want ${NAME})")
		}
		name := string(data[i+2 : i+end])
		if !validEnvName(name) {
			return nil, nil, i, fmt.Errorf("invalid variable name %q in ${…}", name)
		}
		v, ok := lookup(name)
		if !ok {
			return nil, nil, i, fmt.Errorf("variable ${%s} is not set (in the environment or .env)", name)
		}
		if inStr {
			b, _ := json.Marshal(v)
			v = string(b[1 : len(b)-1])
		}
		m = append(m, seg{i, i + end + 1, len(out), len(out) + len(v)})
		out = append(out, v...)
		i += end
	}
	return out, m, 0, nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// readDotEnv reads KEY=VALUE lines from path ('#' comments, blank lines,
// an optional "export " and quotes around the value are allowed). A missing
// file is no error.
func readDotEnv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseDotEnv(path, data)
}

// parseDotEnv parses the text of the .env file at path.
func parseDotEnv(path string, data []byte) (map[string]string, error) {
	vars := make(map[string]string)
	// Lines end with "\n", "\r\n" or a lone "\r" (old Mac files): a
	// carriage return is never part of a value.
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for i, s := range strings.Split(text, "\n") {
		line := i + 1
		s = strings.TrimSpace(s)
		if s == "" || s[0] == '#' {
			continue
		}
		s = strings.TrimPrefix(s, "export ")
		k, v, ok := strings.Cut(s, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !validEnvName(k) {
			return nil, fmt.Errorf("%s:%d: want NAME=VALUE", path, line)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			if v[0] == '"' {
				if u, err := unquoteDouble(v); err == nil {
					v = u
				} else {
					v = v[1 : len(v)-1]
				}
			} else {
				v = v[1 : len(v)-1]
			}
		}
		vars[k] = v
	}
	return vars, nil
}

func unquoteDouble(v string) (string, error) {
	var s string
	err := json.Unmarshal([]byte(v), &s)
	return s, err
}
