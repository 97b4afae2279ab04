package aioschedule

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestSpecJSON(t *testing.T) {
	tests := []struct {
		in   string
		want Spec
	}{
		{`{"start_in": 20, "repeat": 90}`, Spec{StartIn: 20 * time.Second, Repeat: 90 * time.Second}},
		{`{"start_in": "90s", "repeat": true}`, Spec{StartIn: 90 * time.Second, RepeatStartIn: true}},
		{`{"start_in": 1.5, "repeat": "1h30m", "jitter": "250ms"}`, Spec{StartIn: 1500 * time.Millisecond, Repeat: 90 * time.Minute, Jitter: 250 * time.Millisecond}},
		{`{"start_in": "5", "repeat": false}`, Spec{StartIn: 5 * time.Second}},
		{`{"at": "07:30", "tz": "Europe/Berlin"}`, Spec{At: "07:30", TZ: "Europe/Berlin"}},
		{`{"cron": "@every 15s", "catch_up": true, "keep": true}`, Spec{Cron: "@every 15s", CatchUp: true, Keep: true}},
		{`{"start_in": 3, "from": "start"}`, Spec{StartIn: 3 * time.Second, From: FromStart}},
		{`{}`, Spec{}},
	}
	for _, tc := range tests {
		var got Spec
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.in, got, tc.want)
		}
		// Round trip through MarshalJSON.
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var back Spec
		if err := json.Unmarshal(b, &back); err != nil || back != got {
			t.Errorf("%s: round trip %s gave %+v, %v", tc.in, b, back, err)
		}
	}
}

func TestSpecJSONErrorsNameTheKey(t *testing.T) {
	tests := []struct{ in, field string }{
		{`{"start_in": 5, "repeats": 10}`, "repeats"},
		{`{"start_in": "soon"}`, "start_in"},
		{`{"repeat": "often"}`, "repeat"},
		{`{"repeat": [1]}`, "repeat"},
		{`{"jitter": {}}`, "jitter"},
		{`{"cron": 5}`, "cron"},
		{`{"catch_up": "yes"}`, "catch_up"},
		{`{"start_in": 1e300}`, "start_in"},
		{`[1,2]`, ""},
		{`null`, ""},
	}
	for _, tc := range tests {
		var s Spec
		err := json.Unmarshal([]byte(tc.in), &s)
		var se *SpecError
		if !errors.As(err, &se) || se.Field != tc.field || !errors.Is(err, ErrBadSpec) {
			t.Errorf("%s: got %v, want a SpecError for field %q", tc.in, err, tc.field)
		}
	}
}

// Schedules read durations by aioctl's one rule, and refuse what it
// refuses, with the key: a negative value at decoding (it used to wait
// for Validate), NaN, and values beyond aioctl.MaxDuration (100 years),
// which used to be accepted up to time.Duration's 292 years.
func TestSpecDurationsFollowTheOneRule(t *testing.T) {
	for in, want := range map[string]string{
		`{"start_in": -5}`:                     "start_in: negative duration -5",
		`{"repeat": "-1s"}`:                    "repeat: negative duration -1s",
		`{"jitter": "NaN"}`:                    "jitter: invalid duration",
		`{"start_in": 3153600001}`:             "start_in: duration 3153600001 out of range",
		`{"repeat": "876001h"}`:                "repeat: duration 876001h out of range",
		`{"start_in": 1e300}`:                  "start_in: duration 1e300 out of range",
		`{"cron": "@every 1e300"}`:             "cron: duration 1e300 out of range",
		`{"cron": "@every -1"}`:                "cron: negative duration -1",
		`{"start_in": "1.5", "repeat": "NaN"}`: "repeat: invalid duration",
	} {
		var s Spec
		err := json.Unmarshal([]byte(in), &s)
		if err == nil {
			err = s.Validate()
		}
		var se *SpecError
		if !errors.As(err, &se) || !errors.Is(err, aioctl.ErrBadDuration) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want a SpecError wrapping ErrBadDuration saying %q", in, err, want)
		}
	}
	if err := (Spec{StartIn: aioctl.MaxDuration + time.Second}).Validate(); err == nil || !strings.Contains(err.Error(), "start_in: duration") {
		t.Errorf("start_in beyond 100 years: %v", err)
	}
	if err := (Spec{Repeat: aioctl.MaxDuration}).Validate(); err != nil {
		t.Errorf("repeat of exactly 100 years: %v", err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		spec  Spec
		field string
		msg   string
	}{
		{Spec{StartIn: -time.Second}, "start_in", "negative"},
		{Spec{Repeat: -time.Second}, "repeat", "negative duration -1s"},
		{Spec{Jitter: -1}, "jitter", "negative"},
		{Spec{RepeatStartIn: true}, "repeat", "start_in"},
		{Spec{Repeat: time.Microsecond}, "repeat", "under"},
		{Spec{Cron: "0 0 31 2 *"}, "cron", "never matches"},
		{Spec{Cron: "0 0 30 2 *"}, "cron", "never matches"},
		{Spec{Cron: "0 0 31 4 *"}, "cron", "never matches"},
		{Spec{Cron: "0 0 31 4,6,9,11 *"}, "cron", "never matches"},
		{Spec{Cron: "0 0 * *"}, "cron", "5 fields"},
		{Spec{Cron: "61 * * * *"}, "cron", "above maximum"},
		{Spec{Cron: "@fortnightly"}, "cron", "unknown descriptor"},
		{Spec{Cron: "@every"}, "cron", "@every"},
		{Spec{Cron: "@every -5s"}, "cron", "negative duration -5s"},
		{Spec{Cron: "@every 0.0001"}, "cron", "under"},
		{Spec{Cron: "TZ=UTC 0 0 * * *"}, "cron", "tz"},
		{Spec{Cron: "@daily", StartIn: time.Second}, "start_in", "cron"},
		{Spec{Cron: "@daily", At: "10:00"}, "at", "cron"},
		{Spec{Cron: "@every 1m", TZ: "UTC"}, "tz", "@every"},
		{Spec{Cron: "@daily", From: FromStart}, "from", "cron"},
		{Spec{Cron: "@daily", TZ: "Mars/Olympus"}, "tz", "unknown time zone"},
		{Spec{At: "25:00"}, "at", "time of day"},
		{Spec{At: "7:30"}, "at", "time of day"},
		{Spec{At: "2027-04-31T10:00:00Z"}, "at", "day out of range"},
		{Spec{At: "tomorrow"}, "at", "RFC 3339"},
		{Spec{At: "2027-01-01 10:00"}, "at", "bad time"},
		{Spec{At: "2027-01-01T10:00:00Z", TZ: "UTC"}, "tz", "RFC 3339"},
		{Spec{At: "10:00", StartIn: 1}, "start_in", "at"},
		{Spec{StartIn: time.Second, TZ: "UTC"}, "tz", "cron"},
		{Spec{From: "later"}, "from", "now"},
	}
	for _, tc := range tests {
		err := tc.spec.Validate()
		var se *SpecError
		if !errors.As(err, &se) || se.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: got %v, want field %q mentioning %q", tc.spec, err, tc.field, tc.msg)
		}
	}
	for _, ok := range []Spec{
		{}, {StartIn: time.Second, RepeatStartIn: true}, {Cron: "0 0 29 2 *"}, {Cron: "0 0 31 * 1"},
		{Cron: "*/5 9-17 * jan-jun mon-fri", TZ: "America/New_York"}, {Cron: "0 0 * * 7"},
		{Cron: "0 0 * * 5-7"}, {At: "23:59:59", TZ: "Asia/Kolkata"}, {At: "2027-04-30T10:00:00+02:00", Repeat: time.Hour},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}

func TestSpecString(t *testing.T) {
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{}, "once, at once"},
		{Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, "start_in=5s repeat=10s"},
		{Spec{StartIn: 20 * time.Second, RepeatStartIn: true, From: FromStart}, `start_in=20s repeat=true from="start"`},
		{Spec{Cron: "0 3 * * *", TZ: "Europe/Berlin", Jitter: time.Minute, CatchUp: true, Keep: true},
			`cron="0 3 * * *" tz="Europe/Berlin" jitter=1m0s catch_up=true keep=true`},
	}
	for _, tc := range tests {
		if got := tc.spec.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// NextRuns is the one preview of a spec: the runs a schedule added at from
// plans, which the scheduler's first planned run confirms.
func TestSpecNextRuns(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		want []time.Duration // after t0
	}{
		{Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, []time.Duration{5 * time.Second, 15 * time.Second, 25 * time.Second}},
		{Spec{Cron: "*/20 * * * *", TZ: "UTC"}, []time.Duration{20 * time.Minute, 40 * time.Minute, time.Hour}},
		{Spec{At: "00:30", TZ: "UTC"}, []time.Duration{30 * time.Minute}},
	} {
		got, err := c.spec.NextRuns(t0, 3)
		if err != nil {
			t.Fatalf("%v: %v", c.spec, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%v: %v, want %d runs", c.spec, got, len(c.want))
		}
		for i, d := range c.want {
			if !got[i].Equal(t0.Add(d)) {
				t.Errorf("%v: run %d at %v, want %v", c.spec, i, got[i], t0.Add(d))
			}
		}
		e := newEnv(t)
		if _, err := Add(e.s, counter(make(chan time.Time, 1), e.clk), struct{}{}, c.spec, aioctl.WithName("p")); err != nil {
			t.Fatal(err)
		}
		if l := e.s.List(); len(l) != 1 || !l[0].Next.Equal(got[0]) {
			t.Errorf("%v: scheduler plans %+v, preview %v", c.spec, l, got[0])
		}
	}
	if _, err := (Spec{Cron: "61 * * * *"}).NextRuns(t0, 1); !errors.Is(err, ErrBadSpec) {
		t.Errorf("bad cron: err %v, want ErrBadSpec", err)
	}
}
