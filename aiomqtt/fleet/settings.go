package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/control/api"
)

// This file reads a settings file (aioctl's ~/.config/aiotools/fleet.json)
// with errors that say where, as the services config's do: an unknown
// key, a value of the wrong type or broken JSON is named with the file
// and line:column.

// SettingsError is a mistake in a settings file, read as
// "FILE:LINE:COLUMN: FIELD: MESSAGE" (the form of the services config's
// errors). Line and Column are 1-based, the column in characters.
type SettingsError struct {
	File         string
	Line, Column int
	Field        string // the key at fault; "" for a syntax error
	Msg          string
}

func (e *SettingsError) Error() string {
	s := e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Msg
}

// settingsKeys are the keys of a settings file, in Settings' order.
var settingsKeys = []string{"broker", "ca", "cert", "key", "user", "password_file"}

// ParseSettings reads the text of a settings file named file: a JSON
// object with Settings' keys, every value a string. An empty file is no
// settings. A mistake is a *SettingsError.
func ParseSettings(file string, data []byte) (Settings, error) {
	var s Settings
	at := func(off int, field, msg string) error {
		line, col := position(data, off)
		return &SettingsError{File: file, Line: line, Column: col, Field: field, Msg: msg}
	}
	start := skip(data, 0, " \t\r\n")
	if start == len(data) {
		return s, nil
	}
	if !json.Valid(data) {
		var raw json.RawMessage
		err := json.Unmarshal(data, &raw)
		off, msg := len(data), err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) && !strings.Contains(msg, "unexpected end of JSON input") {
			off = max(int(se.Offset)-1, 0)
		}
		if off >= len(data) {
			msg = "unexpected end of the file (is a '}' or ']' missing?)"
		}
		return s, at(off, "", "invalid JSON: "+msg)
	}
	if data[start] != '{' {
		return s, at(start, "", `want a JSON object like {"broker": "mqtt://host:1883"}, not `+jsonKind(data[start]))
	}
	fields := map[string]*string{"broker": &s.Broker, "ca": &s.CA, "cert": &s.Cert, "key": &s.Key,
		"user": &s.User, "password_file": &s.PasswordFile}
	seen := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.Token() // the '{': the text is valid JSON
	for dec.More() {
		keyOff := skip(data, int(dec.InputOffset()), " \t\r\n,")
		tok, _ := dec.Token()
		key, _ := tok.(string)
		valOff := skip(data, int(dec.InputOffset()), " \t\r\n:")
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return s, at(valOff, key, err.Error())
		}
		p := fields[key]
		switch {
		case p == nil:
			msg := "unknown key (want " + strings.Join(settingsKeys, ", ") + ")"
			if s := api.Suggest(key, settingsKeys); len(s) > 0 {
				msg = "unknown key:" + api.DidYouMean(s, strconv.Quote)
			}
			return s, at(keyOff, key, msg)
		case seen[key]:
			return s, at(keyOff, key, "given twice")
		case raw[0] != '"':
			return s, at(valOff, key, "want a string, got "+jsonKind(raw[0]))
		}
		seen[key] = true
		if err := json.Unmarshal(raw, p); err != nil {
			return s, at(valOff, key, err.Error())
		}
	}
	return s, nil
}

// skip returns the offset of the first byte at or after off that is not
// in set.
func skip(data []byte, off int, set string) int {
	for off < len(data) && strings.IndexByte(set, data[off]) >= 0 {
		off++
	}
	return off
}

// position gives the 1-based line and column (in characters) of byte
// offset off of data.
func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	before := data[:off]
	nl := bytes.LastIndexByte(before, '\n')
	return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[nl+1:]) + 1
}

// jsonKind names the kind of the JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
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
