package aioctl

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

type fuzzEmbedded struct {
	Grace time.Duration
}

type fuzzArgs struct {
	fuzzEmbedded
	Pin   int            `json:"pin"`
	Sleep time.Duration  `json:"sleep"`
	Every Duration       `json:"every"`
	Name  string         `json:"name"`
	Ratio float64        `json:"ratio"`
	Max   *time.Duration `json:"max,omitempty"`
	In    struct {
		Wait  time.Duration `json:"wait"`
		Count uint8         `json:"count"`
	} `json:"in"`
	Steps []time.Duration          `json:"steps"`
	ByKey map[string]time.Duration `json:"by_key"`
	Tags  map[string]string        `json:"tags"`
}

// durations lists every duration in a, for the range check.
func (a fuzzArgs) durations() []time.Duration {
	ds := []time.Duration{a.Grace, a.Sleep, time.Duration(a.Every), a.In.Wait}
	if a.Max != nil {
		ds = append(ds, *a.Max)
	}
	ds = append(ds, a.Steps...)
	for _, d := range a.ByKey {
		ds = append(ds, d)
	}
	return ds
}

func fuzzDefaults() fuzzArgs {
	m := 2 * time.Hour
	return fuzzArgs{fuzzEmbedded: fuzzEmbedded{Grace: time.Second}, Pin: 2, Sleep: 5 * time.Second,
		Every: Duration(time.Minute), Name: "x", Max: &m, Steps: []time.Duration{time.Millisecond},
		ByKey: map[string]time.Duration{"a": time.Second}, Tags: map[string]string{"k": "v"}}
}

// FuzzSetArgsJSON checks the JSON merge of task arguments: it never
// panics; a refused patch is an *ArgError and changes nothing; an accepted
// one leaves every duration in range; and what status shows (MarshalArgs)
// merges back into the same arguments.
func FuzzSetArgsJSON(f *testing.F) {
	for _, s := range []string{
		`{"sleep": 3}`, `{"sleep": "3s", "max": "2h", "in": {"wait": 1.5}}`,
		`{"steps": [1, "2s"], "by_key": {"a": 1e300}}`, `{"every": -1}`, `{"every": "90"}`,
		`null`, `[]`, `{"pin": "x"}`, `{"SLEEP": 1, "Grace": "1m"}`, `{"SLEEP": "3s", "Sleep": -5}`,
		`{"max": null, "tags": {"b": "c"}}`, `{"in": {"count": 300}}`, `{"name": "\u00e9"} {}`,
		`{"sleep": "9999999999999h"}`, `{"unknown": 1}`, `{"sleep": true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, patch []byte) {
		r := &typedRunner[fuzzArgs, int]{args: fuzzDefaults()}
		before := r.current()
		err := r.mergeArgs(patch)
		after := r.current()
		if err != nil {
			var ae *ArgError
			if !errors.As(err, &ae) || !errors.Is(err, ErrBadArgs) {
				t.Fatalf("%s: error %T %v is not an ArgError", patch, err, err)
			}
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("%s: refused (%v) but changed the args to %+v", patch, err, after)
			}
			return
		}
		for _, d := range after.durations() {
			if d < 0 || d > MaxDuration {
				t.Fatalf("%s: accepted a duration out of range: %v in %+v", patch, d, after)
			}
		}
		shown, err := MarshalArgs(after)
		if err != nil {
			t.Fatal(err)
		}
		// Into zero arguments: a merge keeps what a patch leaves out, and
		// MarshalArgs leaves out a nil max (omitempty).
		back := &typedRunner[fuzzArgs, int]{}
		if err := back.mergeArgs(shown); err != nil {
			t.Fatalf("%s: status shows %s, which is refused: %v", patch, shown, err)
		}
		if got := back.current(); !reflect.DeepEqual(got, after) {
			t.Fatalf("%s: %s merged back as %+v, want %+v", patch, shown, got, after)
		}
	})
}

// FuzzDuration checks the one duration parser: no panic; an accepted
// duration is in [0, MaxDuration] and comes back the same from its
// String, through Duration's JSON and text forms; the JSON and text
// parsers agree on strings and numbers; a refusal is a *DurationError.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"3", "1.5", "0.3", "-0", "2e3", "3s", "1m30s", " 250ms ", "-1s", "1e300",
		"NaN", "Inf", "0x10", "soon", "", "876000h", "876000h0m0.000000001s", "9999999999999h", "+5s",
		".5s", "1_000", "01", "3153600000", "3153600000.0000000001", "5µs", "1e-10", "-1e-400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			var de *DurationError
			if !errors.As(err, &de) || !errors.Is(err, ErrBadDuration) || de.Msg == "" {
				t.Fatalf("%q: error %T %v is not a DurationError", s, err, err)
			}
		} else {
			if d < 0 || d > MaxDuration {
				t.Fatalf("%q: accepted %v, out of range", s, d)
			}
			if back, err := ParseDuration(d.String()); err != nil || back != d {
				t.Fatalf("%q = %v: its String %q reads back as %v, %v", s, d, d.String(), back, err)
			}
			b, _ := json.Marshal(Duration(d))
			var v Duration
			if err := json.Unmarshal(b, &v); err != nil || time.Duration(v) != d {
				t.Fatalf("%q = %v: JSON %s reads back as %v, %v", s, d, b, v, err)
			}
			if err := v.UnmarshalText([]byte(s)); err != nil || time.Duration(v) != d {
				t.Fatalf("%q: UnmarshalText gives %v, %v; ParseDuration %v", s, v, err, d)
			}
		}
		// The same text as a JSON string reads the same.
		q, _ := json.Marshal(s)
		dj, errj := ParseDurationJSON(q)
		if (err == nil) != (errj == nil) || dj != d {
			t.Fatalf("%q: as text %v, %v; as JSON string %v, %v", s, d, err, dj, errj)
		}
		// A JSON number is seconds, as the text form reads it.
		if trimmed := strings.TrimSpace(s); json.Valid([]byte(trimmed)) && isNumber(trimmed) {
			dn, errn := ParseDurationJSON([]byte(trimmed))
			if (err == nil) != (errn == nil) || dn != d {
				t.Fatalf("%q: as text %v, %v; as JSON number %v, %v", s, d, err, dn, errn)
			}
			if f, perr := strconv.ParseFloat(trimmed, 64); perr == nil && errn == nil &&
				abs(float64(dn)-f*1e9) > 1 {
				t.Fatalf("%q: %v is not %g seconds", s, dn, f)
			}
		}
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// refMatch is a slow, obviously right '*' matcher: dynamic programming
// over bytes.
func refMatch(pattern, name string) bool {
	// ok[j]: pattern[:i] matches name[:j].
	ok := make([]bool, len(name)+1)
	ok[0] = true
	for i := 0; i < len(pattern); i++ {
		next := make([]bool, len(name)+1)
		if pattern[i] == '*' {
			run := false
			for j := 0; j <= len(name); j++ {
				run = run || ok[j]
				next[j] = run
			}
		} else {
			for j := 1; j <= len(name); j++ {
				next[j] = ok[j-1] && name[j-1] == pattern[i]
			}
		}
		ok = next
	}
	return ok[len(name)]
}

// FuzzMatch checks Match against the reference, and IsPattern.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"hello*", "hello_task"}, {"*.service", "hello.service"}, {"task_led_*", "task_led_2"},
		{"a*a", "a"}, {"a*b*a", "aba"}, {"**", ""}, {"*", "*"}, {"ab*ba", "aba"},
		{"*x*x*", "xx"}, {"exact", "exact"}, {"", ""}, {"a\xff*", "a\xffb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if got, want := Match(pattern, name), refMatch(pattern, name); got != want {
			t.Fatalf("Match(%q, %q) = %v, want %v", pattern, name, got, want)
		}
		if IsPattern(pattern) != strings.Contains(pattern, "*") {
			t.Fatalf("IsPattern(%q)", pattern)
		}
		if !IsPattern(name) && !Match(name, name) {
			t.Fatalf("%q does not match itself", name)
		}
	})
}
