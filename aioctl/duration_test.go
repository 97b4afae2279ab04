package aioctl

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// One rule for every duration a user writes: a number is seconds, a
// string is a Go duration (or seconds); negative, NaN, infinite and
// out-of-range values are refused, never wrapped or defaulted.
func TestDurationRule(t *testing.T) {
	good := []struct {
		in   string
		want time.Duration
	}{
		{`3`, 3 * time.Second},
		{`1.5`, 1500 * time.Millisecond},
		{`0.3`, 300 * time.Millisecond}, // rounded, not truncated to 299.999999ms
		{`0`, 0},
		{`-0`, 0},
		{`2e3`, 2000 * time.Second},
		{`"3s"`, 3 * time.Second},
		{`"1m30s"`, 90 * time.Second},
		{`" 250ms "`, 250 * time.Millisecond},
		{`"90"`, 90 * time.Second},
		{`"\u0033s"`, 3 * time.Second},
		{`3153600000`, MaxDuration},
		{`"876000h"`, MaxDuration},
	}
	for _, tc := range good {
		d, err := ParseDurationJSON([]byte(tc.in))
		if err != nil || d != tc.want {
			t.Errorf("ParseDurationJSON(%s) = %v, %v; want %v", tc.in, d, err, tc.want)
		}
		var v Duration
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil || time.Duration(v) != tc.want {
			t.Errorf("Duration from %s = %v, %v; want %v", tc.in, v, err, tc.want)
		}
	}
	bad := []struct{ in, msg string }{
		{`-5`, "negative duration -5"},
		{`-0.001`, "negative duration -0.001"},
		{`"-1s"`, "negative duration -1s"},
		{`1e300`, "duration 1e300 out of range"},
		{`1e400`, "out of range"},
		{`3153600001`, "out of range"},
		{`"876000h1s"`, "out of range"},
		{`"9999999999999h"`, "out of range"}, // too big for time.ParseDuration
		{`"NaN"`, "invalid duration"},
		{`"Inf"`, "invalid duration"},
		{`"0x10"`, "invalid duration"},
		{`"soon"`, "invalid duration \"soon\""},
		{`""`, "empty duration"},
		{`true`, "invalid duration true"},
		{`{}`, "invalid duration"},
	}
	for _, tc := range bad {
		_, err := ParseDurationJSON([]byte(tc.in))
		var de *DurationError
		if !errors.As(err, &de) || !errors.Is(err, ErrBadDuration) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseDurationJSON(%s) = %v; want a DurationError saying %q", tc.in, err, tc.msg)
		}
		var v Duration = 7
		if err := json.Unmarshal([]byte(tc.in), &v); err == nil || v != 7 {
			t.Errorf("Duration from %s: err %v, value %v; want an error and no change", tc.in, err, v)
		}
	}
	// Text form, and the round trip through JSON and text.
	if d, err := ParseDuration("90"); err != nil || d != 90*time.Second {
		t.Errorf("ParseDuration(90) = %v, %v", d, err)
	}
	v := Duration(90 * time.Second)
	if b, _ := json.Marshal(v); string(b) != `"1m30s"` {
		t.Errorf("Duration marshals as %s", b)
	}
	var back Duration
	if err := back.UnmarshalText([]byte(v.String())); err != nil || back != v {
		t.Errorf("text round trip: %v, %v", back, err)
	}
	if err := CheckDuration(-time.Second); err == nil || err.Error() != "negative duration -1s" {
		t.Errorf("CheckDuration(-1s) = %v", err)
	}
	if err := CheckDuration(MaxDuration + 1); !errors.Is(err, ErrBadDuration) {
		t.Errorf("CheckDuration(max+1) = %v", err)
	}
}

// `set args blink '{"sleep": 3}'` means 3 seconds, as 3 does in the
// services config and in schedules; it used to mean 3 ns, and a task
// looping on it flooded the log.
func TestSetArgsJSONNumberIsSeconds(t *testing.T) {
	g, _ := newTestGroup(t)
	type secInner struct {
		Every time.Duration `json:"every"`
	}
	type secArgs struct {
		Pin   int             `json:"pin"`
		Sleep time.Duration   `json:"sleep"`
		In    secInner        `json:"in"`
		Steps []time.Duration `json:"steps"`
	}
	tk := MustAdd(g, func(ctx context.Context, a secArgs) (int, error) { return a.Pin, nil },
		secArgs{Pin: 2, Sleep: 5 * time.Second}, WithName("blink"), Deferred())
	if err := tk.SetArgsJSON([]byte(`{"sleep": 3, "in": {"every": 1.5}, "steps": [1, "2s"]}`)); err != nil {
		t.Fatal(err)
	}
	a, _ := Args[secArgs](tk)
	if a.Sleep != 3*time.Second || a.In.Every != 1500*time.Millisecond || len(a.Steps) != 2 ||
		a.Steps[0] != time.Second || a.Steps[1] != 2*time.Second {
		t.Fatalf("args %+v, want sleep 3s, every 1.5s, steps [1s 2s]", a)
	}
	for _, tc := range []struct{ patch, field, msg string }{
		{`{"pin": 9, "sleep": -5}`, "sleep", "negative duration -5"},
		{`{"pin": 9, "sleep": 1e300}`, "sleep", "out of range"},
		{`{"pin": 9, "sleep": "-1s"}`, "sleep", "negative duration -1s"},
		{`{"pin": 9, "in": {"every": "NaN"}}`, "in.every", "invalid duration"},
		{`{"pin": 9, "steps": [1, -1]}`, "steps", "negative"},
		{`{"pin": 9}}`, "", "text after it"},
		{`{"pin": 9} {}`, "", "more than one JSON value"},
	} {
		err := tk.SetArgsJSON([]byte(tc.patch))
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want field %q saying %q", tc.patch, err, tc.field, tc.msg)
		}
		if b, _ := Args[secArgs](tk); b.Pin != 2 || b.Sleep != 3*time.Second {
			t.Errorf("%s changed the args to %+v", tc.patch, b)
		}
	}
}

// A Duration field in task arguments follows the rule too, and a bad one
// is named.
func TestSetArgsJSONDurationType(t *testing.T) {
	g, _ := newTestGroup(t)
	type durArgs struct {
		Every Duration `json:"every"`
	}
	tk := MustAdd(g, func(ctx context.Context, a durArgs) (int, error) { return 0, nil },
		durArgs{Every: Duration(time.Minute)}, WithName("tick"), Deferred())
	if err := tk.SetArgsJSON([]byte(`{"every": 2}`)); err != nil {
		t.Fatal(err)
	}
	if a, _ := Args[durArgs](tk); a.Every != Duration(2*time.Second) {
		t.Fatalf("every = %v", a.Every)
	}
	err := tk.SetArgsJSON([]byte(`{"every": -2}`))
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Field != "every" || !errors.Is(err, ErrBadDuration) {
		t.Fatalf("err = %v, want an ArgError on every wrapping ErrBadDuration", err)
	}
}

// A restart policy with a negative, NaN or out-of-range value is refused
// with the field's name; it used to become the default silently.
func TestRestartPolicyRefusesBadValues(t *testing.T) {
	g, _ := newTestGroup(t)
	run := func(context.Context, struct{}) (int, error) { return 0, nil }
	for _, tc := range []struct {
		p     RestartPolicy
		field string
	}{
		{RestartPolicy{Mode: OnFailure, Delay: -5 * time.Second}, "delay"},
		{RestartPolicy{Mode: OnFailure, MaxDelay: MaxDuration + 1}, "max_delay"},
		{RestartPolicy{Mode: Always, ResetAfter: -1}, "reset_after"},
		{RestartPolicy{Mode: Always, Window: -time.Minute}, "window"},
		{RestartPolicy{Mode: Always, Budget: -1}, "budget"},
		{RestartPolicy{Mode: Always, Factor: 0.5}, "factor"},
		{RestartPolicy{Mode: Always, Jitter: 1.5}, "jitter"},
		{RestartPolicy{Mode: Always, Jitter: -0.1}, "jitter"},
		{RestartPolicy{Mode: RestartMode(9)}, "mode"},
	} {
		_, err := Add(g, run, struct{}{}, WithName("r"), WithRestart(tc.p), Deferred())
		var pe *PolicyError
		if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrBadPolicy) ||
			!strings.HasPrefix(err.Error(), "restart."+tc.field+": ") {
			t.Errorf("%+v: err = %v, want a PolicyError on %s", tc.p, err, tc.field)
		}
	}
	if len(g.Names()) != 0 {
		t.Errorf("refused policies added tasks: %v", g.Names())
	}

	// In JSON, durations follow the rule.
	var p RestartPolicy
	if err := json.Unmarshal([]byte(`{"mode": "on-failure", "delay": 3, "max_delay": "2m", "budget": 5}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Delay != 3*time.Second || p.MaxDelay != 2*time.Minute || p.Budget != 5 || p.Mode != OnFailure {
		t.Fatalf("policy %+v", p)
	}
	for in, want := range map[string]string{
		`{"delay": -5}`:       "restart.delay: negative duration -5",
		`{"budget": -1}`:      "restart.budget: negative budget -1",
		`{"window": 1e300}`:   "restart.window: duration 1e300 out of range",
		`{"delay": "soon"}`:   `restart.delay: invalid duration "soon"`,
		`{"dealy": 1}`:        "restart.dealy: unknown key",
		`{"budget": "three"}`: "restart.budget: cannot use JSON string as int",
	} {
		err := json.Unmarshal([]byte(in), &p)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
	b, _ := json.Marshal(RestartPolicy{Mode: Always, Delay: time.Second, Budget: 3})
	if string(b) != `{"mode":"always","delay":"1s","budget":3}` {
		t.Errorf("policy JSON %s", b)
	}
}
