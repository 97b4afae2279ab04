package aioservice

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A change (PatchConfig, ReplaceConfig, Add: the JSON of `services config`
// and `services add`) is not in the file, so a problem in it is placed in
// the change's own text: "at LINE:COLUMN of the change", in the message of
// the *ConfigError, whose File, Line and Column stay the file's.

// refusedNote ends the message of an error about a change.
const refusedNote = " (the change is refused; the file is unchanged)"

// changePos is "line:column" (1-based, the column in characters) of the
// byte at offset off of text.
func changePos(text []byte, off int) string {
	off = min(max(off, 0), len(text))
	before := text[:off]
	line := 1 + strings.Count(string(before), "\n")
	start := strings.LastIndexByte(string(before), '\n') + 1
	return strconv.Itoa(line) + ":" + strconv.Itoa(1+utf8.RuneCount(before[start:]))
}

// syntaxInChange is the message for a change that is not valid JSON
// (err is json.Unmarshal's), placed where the decoder stopped.
func syntaxInChange(patch []byte, err error) string {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	off := len(patch)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset) - 1 // the offset is past the byte at fault
	}
	if off >= len(patch) || strings.Contains(msg, "unexpected end of JSON input") {
		off, msg = len(patch), "unexpected end of the change (is a '}' or ']' missing?)"
	}
	return "invalid JSON at " + changePos(patch, off) + " of the change: " + msg
}

// placeInChange adds to the error about the field of service name that a
// change brought in (a wrong type, an unknown key) where the field's key
// is in the change. Other errors are returned as they are: those the file
// already had carry their place in it.
func placeInChange(err error, name string, patch []byte) error {
	ce, ok := err.(*ConfigError)
	if !ok || ce.Line != 0 || !strings.HasSuffix(ce.Msg, refusedNote) {
		return err
	}
	path, ok := strings.CutPrefix(ce.Field, name+".")
	if !ok {
		return err
	}
	off, found := changeKeyOffset(patch, path)
	if !found {
		return err
	}
	c := *ce
	c.Msg = strings.TrimSuffix(c.Msg, refusedNote) + " (at " + changePos(patch, off) + " of the change; " + strings.TrimPrefix(refusedNote, " (")
	return &c
}

// changeKeyOffset is the offset in the JSON object raw of the key at the end of
// the dotted path ("args.pin"; an index, "requires[1]", counts as its
// key). A path through "kwargs" is also looked for without it: the change
// may name at the top a key the entry holds in "kwargs".
func changeKeyOffset(raw []byte, path string) (int, bool) {
	parts := strings.Split(path, ".")
	if off, ok := keyAt(raw, parts); ok {
		return off, true
	}
	if len(parts) > 1 && parts[0] == "kwargs" {
		return keyAt(raw, parts[1:])
	}
	return 0, false
}

func keyAt(raw []byte, parts []string) (int, bool) {
	off, base := 0, 0
	for _, p := range parts {
		if i := strings.IndexByte(p, '['); i >= 0 {
			p = p[:i]
		}
		fields, ok := readObject(raw, base)
		if !ok {
			return 0, false
		}
		hit := -1
		for i := range fields {
			if fields[i].key == p {
				hit = i
			}
		}
		if hit < 0 {
			return 0, false
		}
		off, raw, base = fields[hit].keyOff, fields[hit].val, fields[hit].valOff
	}
	return off, true
}
