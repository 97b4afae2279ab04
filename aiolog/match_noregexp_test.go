//go:build aiotools_noregexp

package aiolog

import (
	"errors"
	"testing"
)

// TestNoRegexpRefusesRegexpOnly: without package regexp a Regexp query says
// why, and the other modes, Unicode smart case included, still work.
// (go test -tags aiotools_noregexp -run NoRegexp ./aiolog)
func TestNoRegexpRefusesRegexpOnly(t *testing.T) {
	r := New(1024)
	r.Write([]byte("LED on\nÜNÏCODE line\n"))
	if _, err := r.Lines(Query{Grep: `led \w+`, Mode: Regexp}); !errors.Is(err, ErrNoRegexp) {
		t.Fatalf("Regexp query: err = %v, want ErrNoRegexp", err)
	}
	for _, q := range []Query{{Grep: "led"}, {Grep: "*on"}, {Grep: "ünïcode"}, {Grep: "*ünï*"}} {
		ls, err := r.Lines(q)
		if err != nil || len(ls) != 1 {
			t.Errorf("%+v: %d lines, %v", q, len(ls), err)
		}
	}
}
