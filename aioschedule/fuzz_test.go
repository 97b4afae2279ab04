package aioschedule

import (
	"encoding/json"
	"testing"
	"time"
)

var fuzzZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago"}

// FuzzCron checks the cron parser and next-time computation: no panic, no
// endless search, runs strictly increasing, and every run is a matching
// wall time or the transition that replaces a matching wall time lost in
// a spring-forward gap.
func FuzzCron(f *testing.F) {
	for _, s := range []string{"* * * * *", "30 2 * * *", "0 0 31 2 *", "@hourly", "@every 90s", "*/15 9-17 * jan-jun mon-fri", "0 12 13 * fri", "0 0 29 2 *", "5 4 * * 7", "0-59/7 */5 1,15 * ?", "0 9 * * 5-7/2", "0 9 * * MON,7", "0 9 13 * 0,7", "1,,2 * * * *", "0 0 * * 7/3"} {
		f.Add(s, uint8(1), int64(1741435200))
	}
	f.Fuzz(func(t *testing.T, expr string, zone uint8, fromUnix int64) {
		tz := fuzzZones[int(zone)%len(fuzzZones)]
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Skip(err)
		}
		from := time.Unix(fromUnix%(200*365*86400), 0) // within ±200 years of 1970
		spec := Spec{Cron: expr, TZ: tz}
		p, err := compile(spec)
		if err != nil {
			if spec.Validate() == nil {
				t.Fatal("compile and Validate disagree")
			}
			return
		}
		prev := from
		slot, ok := p.first(from, from)
		for i := 0; ok && i < 5; i++ {
			if !slot.After(prev) {
				t.Fatalf("%q in %s: run %v not after %v", expr, tz, slot, prev)
			}
			if c := p.cron; c != nil && !c.matchesOrTransition(slot) {
				t.Fatalf("%q in %s: run %v does not match", expr, tz, slot.In(loc))
			}
			prev = slot
			slot, ok = p.after(slot)
		}
	})
}

// matchesOrTransition reports whether t's wall clock matches c, or t is a
// zone transition that skipped over wall times.
func (c *cronExpr) matchesOrTransition(t time.Time) bool {
	t = t.In(c.loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if s == c.sec && c.min&(1<<uint(mi)) != 0 && c.hour&(1<<uint(h)) != 0 && c.dayMatches(y, mo, d) {
		return true
	}
	start, _ := t.ZoneBounds()
	if !start.Equal(t) {
		return false
	}
	_, before := t.Add(-time.Second).Zone()
	_, after := t.Zone()
	return after > before
}

// FuzzSpecJSON checks the JSON decoder and validation: no panic, errors
// are SpecErrors, a valid spec round-trips and previews in order.
func FuzzSpecJSON(f *testing.F) {
	for _, s := range []string{
		`{"start_in": 20, "repeat": 90}`, `{"start_in": "5s", "repeat": true}`, `{"cron": "@every 15s"}`,
		`{"at": "07:30", "tz": "Europe/Berlin", "repeat": "24h"}`, `{"cron": "0 0 31 2 *"}`, `{"bogus": 1}`,
		`{"start_in": -1}`, `{"at": "2027-04-31T10:00:00Z"}`, `{"from": "start", "start_in": 1e9}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Spec
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			if _, ok := err.(*SpecError); !ok {
				t.Fatalf("Validate error %T: %v", err, err)
			}
			return
		}
		_ = s.String()
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Spec
		if err := json.Unmarshal(out, &back); err != nil || back != s {
			t.Fatalf("round trip of %+v via %s: %+v, %v", s, out, back, err)
		}
		from := time.Date(2025, 3, 9, 1, 0, 0, 0, time.UTC)
		runs, err := s.NextRuns(from, 5)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(runs); i++ {
			if !runs[i].After(runs[i-1]) {
				t.Fatalf("%+v: runs out of order: %v", s, runs)
			}
		}
	})
}
