package aioctl

import (
	"errors"
	"testing"
)

// TestUnknownFieldIsNamedOnce: an unknown field in JSON arguments is named
// as it was written, quoted once: encoding/json quotes it in its message,
// and the field must not carry those quotes' escapes into the ArgError.
func TestUnknownFieldIsNamedOnce(t *testing.T) {
	// Not "args": TinyGo 0.34 takes two function-local types of one name
	// in a package for one (reflect), which broke another test's decoding.
	type fieldArgs struct {
		Sleep int `json:"sleep"`
	}
	for _, c := range []struct{ js, field string }{
		{`{"speed": 1}`, "speed"},
		{`{"x\u202e": 1}`, "x\u202e"},
		{`{"a\"b": 1}`, `a"b`},
	} {
		var a fieldArgs
		err := UnmarshalArgs([]byte(c.js), &a)
		var ae *ArgError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: err = %v, want an *ArgError", c.js, err)
		}
		if ae.Field != c.field {
			t.Errorf("%s: Field = %q, want %q", c.js, ae.Field, c.field)
		}
	}
}
