package aioschedule

import (
	"encoding/json"
	"errors"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data for %s: %v", name, err)
	}
	return loc
}

// runs returns the next n runs of spec after from, formatted in loc.
func runs(t *testing.T, spec Spec, from time.Time, n int, loc *time.Location) []string {
	t.Helper()
	ts, err := spec.NextRuns(from, n)
	if err != nil {
		t.Fatalf("%+v: %v", spec, err)
	}
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.In(loc).Format("2006-01-02 15:04:05 MST")
	}
	return out
}

func check(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestCronDSTNewYork(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	// 2025-03-09 02:00 EST jumps to 03:00 EDT; 2025-11-02 02:00 EDT falls back to 01:00 EST.
	spring := time.Date(2025, 3, 8, 12, 0, 0, 0, ny)
	fall := time.Date(2025, 11, 1, 12, 0, 0, 0, ny)
	tz := "America/New_York"

	// A fixed time in the gap runs once, at the transition.
	check(t, "30 2 gap", runs(t, Spec{Cron: "30 2 * * *", TZ: tz}, spring, 3, ny), []string{
		"2025-03-09 03:00:00 EDT", "2025-03-10 02:30:00 EDT", "2025-03-11 02:30:00 EDT"})
	// Several fixed slots in the gap still run once.
	check(t, "0,15,30,45 2 gap", runs(t, Spec{Cron: "0,15,30,45 2 * * *", TZ: tz}, spring, 3, ny), []string{
		"2025-03-09 03:00:00 EDT", "2025-03-10 02:00:00 EDT", "2025-03-10 02:15:00 EDT"})
	// A wildcard expression skips the hour that does not exist.
	check(t, "*/30 * gap", runs(t, Spec{Cron: "*/30 * * * *", TZ: tz}, time.Date(2025, 3, 9, 1, 0, 0, 0, ny), 4, ny), []string{
		"2025-03-09 01:30:00 EST", "2025-03-09 03:00:00 EDT", "2025-03-09 03:30:00 EDT", "2025-03-09 04:00:00 EDT"})
	// A fixed time in the fold runs once, at its first occurrence.
	check(t, "30 1 fold", runs(t, Spec{Cron: "30 1 * * *", TZ: tz}, fall, 3, ny), []string{
		"2025-11-02 01:30:00 EDT", "2025-11-03 01:30:00 EST", "2025-11-04 01:30:00 EST"})
	// Hourly runs by elapsed time: both 01:00s.
	check(t, "@hourly fold", runs(t, Spec{Cron: "@hourly", TZ: tz}, time.Date(2025, 11, 2, 0, 30, 0, 0, ny), 4, ny), []string{
		"2025-11-02 01:00:00 EDT", "2025-11-02 01:00:00 EST", "2025-11-02 02:00:00 EST", "2025-11-02 03:00:00 EST"})
	// @daily is midnight, unaffected; the day after the change too.
	check(t, "@daily", runs(t, Spec{Cron: "@daily", TZ: tz}, spring, 3, ny), []string{
		"2025-03-09 00:00:00 EST", "2025-03-10 00:00:00 EDT", "2025-03-11 00:00:00 EDT"})
	// "HH:MM" at in the gap: the transition.
	check(t, "at 02:30", runs(t, Spec{At: "02:30", TZ: tz, Repeat: 24 * time.Hour}, spring, 1, ny), []string{"2025-03-09 03:00:00 EDT"})
	check(t, "at 01:30 fold", runs(t, Spec{At: "01:30", TZ: tz}, fall, 1, ny), []string{"2025-11-02 01:30:00 EDT"})
}

func TestCronDSTBerlin(t *testing.T) {
	be := mustLoad(t, "Europe/Berlin")
	tz := "Europe/Berlin"
	// 2025-03-30 02:00 CET jumps to 03:00 CEST; 2025-10-26 03:00 CEST falls back to 02:00 CET.
	check(t, "gap", runs(t, Spec{Cron: "15 2 * * *", TZ: tz}, time.Date(2025, 3, 29, 12, 0, 0, 0, be), 2, be), []string{
		"2025-03-30 03:00:00 CEST", "2025-03-31 02:15:00 CEST"})
	check(t, "fold", runs(t, Spec{Cron: "15 2 * * *", TZ: tz}, time.Date(2025, 10, 25, 12, 0, 0, 0, be), 2, be), []string{
		"2025-10-26 02:15:00 CEST", "2025-10-27 02:15:00 CET"})
	check(t, "fold wildcard", runs(t, Spec{Cron: "*/30 2 * * *", TZ: tz}, time.Date(2025, 10, 26, 1, 0, 0, 0, be), 4, be), []string{
		"2025-10-26 02:00:00 CEST", "2025-10-26 02:30:00 CEST", "2025-10-26 02:00:00 CET", "2025-10-26 02:30:00 CET"})
	// Starting inside the fold's second pass, a fixed time already run is not run again.
	from := time.Date(2025, 10, 26, 0, 10, 0, 0, time.UTC) // 02:10 CEST
	check(t, "fold second pass", runs(t, Spec{Cron: "5 2 * * *", TZ: tz}, from.Add(time.Hour), 1, be), []string{"2025-10-27 02:05:00 CET"})
}

func TestCronCalendar(t *testing.T) {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	check(t, "29 Feb", runs(t, Spec{Cron: "0 0 29 2 *", TZ: "UTC"}, from, 2, time.UTC), []string{
		"2028-02-29 00:00:00 UTC", "2032-02-29 00:00:00 UTC"})
	// dom and dow both restricted: either matches (ISC cron).
	check(t, "13th or friday", runs(t, Spec{Cron: "0 12 13 * fri", TZ: "UTC"}, from, 3, time.UTC), []string{
		"2025-01-03 12:00:00 UTC", "2025-01-10 12:00:00 UTC", "2025-01-13 12:00:00 UTC"})
	// dom "*": dow only.
	check(t, "mondays", runs(t, Spec{Cron: "0 9 * * 1", TZ: "UTC"}, from, 2, time.UTC), []string{
		"2025-01-06 09:00:00 UTC", "2025-01-13 09:00:00 UTC"})
	check(t, "sunday as 7", runs(t, Spec{Cron: "0 9 * * 7", TZ: "UTC"}, from, 1, time.UTC), []string{"2025-01-05 09:00:00 UTC"})
	check(t, "@weekly", runs(t, Spec{Cron: "@weekly", TZ: "UTC"}, from, 1, time.UTC), []string{"2025-01-05 00:00:00 UTC"})
	check(t, "@monthly", runs(t, Spec{Cron: "@monthly", TZ: "UTC"}, from, 2, time.UTC), []string{"2025-02-01 00:00:00 UTC", "2025-03-01 00:00:00 UTC"})
	check(t, "@yearly", runs(t, Spec{Cron: "@yearly", TZ: "UTC"}, from, 1, time.UTC), []string{"2026-01-01 00:00:00 UTC"})
	check(t, "@every", runs(t, Spec{Cron: "@every 90s"}, from, 2, time.UTC), []string{"2025-01-01 00:01:30 UTC", "2025-01-01 00:03:00 UTC"})
	check(t, "at once", runs(t, Spec{At: "2025-06-01T10:00:00+02:00"}, from, 3, time.UTC), []string{"2025-06-01 08:00:00 UTC"})
	check(t, "start_in", runs(t, Spec{StartIn: 20 * time.Second, RepeatStartIn: true}, from, 2, time.UTC), []string{
		"2025-01-01 00:00:20 UTC", "2025-01-01 00:00:40 UTC"})
	check(t, "at HH:MM:SS", runs(t, Spec{At: "00:00:00", TZ: "UTC"}, from, 1, time.UTC), []string{"2025-01-02 00:00:00 UTC"})
}

// In UTC (no DST) our next-time computation must agree with robfig's.
func TestCronAgreesWithRobfigInUTC(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	field := func(lo, hi int, star bool) string {
		switch r.Intn(5) {
		case 0:
			if star {
				return "*"
			}
			return strconv.Itoa(lo + r.Intn(hi-lo+1))
		case 1:
			a := lo + r.Intn(hi-lo+1)
			return strconv.Itoa(a) + "-" + strconv.Itoa(a+r.Intn(hi-a+1))
		case 2:
			return strconv.Itoa(lo+r.Intn(hi-lo+1)) + "," + strconv.Itoa(lo+r.Intn(hi-lo+1))
		case 3:
			return strconv.Itoa(lo+r.Intn(hi-lo+1)) + "/" + strconv.Itoa(1+r.Intn(7))
		}
		return strconv.Itoa(lo + r.Intn(hi-lo+1))
	}
	n := 0
	for n < 300 {
		// dom/dow as robfig reads them: no "*/n" there (ISC counts it as "*").
		expr := strings.Join([]string{field(0, 59, true), field(0, 23, true), field(1, 28, true), field(1, 12, true), field(0, 6, true)}, " ")
		c, err := parseCron(expr, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		ref, err := cron.ParseStandard(expr)
		if err != nil {
			t.Fatalf("robfig %s: %v", expr, err)
		}
		at := time.Date(2024+r.Intn(3), time.Month(1+r.Intn(12)), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), 0, time.UTC)
		for i := 0; i < 5; i++ {
			got, ok := c.next(at)
			want := ref.Next(at)
			if !ok || !got.Equal(want) {
				t.Fatalf("%s after %v: got %v (%v), robfig %v", expr, at, got, ok, want)
			}
			at = got
		}
		n++
	}
}

func TestNeverMatchingIsRefusedQuickly(t *testing.T) {
	for _, expr := range []string{"0 0 31 2 *", "0 0 30 2 *", "0 0 31 4 *", "0 0 30,31 2 *", "* * 31 2,4,6,9,11 *"} {
		start := time.Now()
		_, err := (Spec{Cron: expr}).NextRuns(time.Now(), 5)
		if err == nil || !strings.Contains(err.Error(), "cron: never matches") {
			t.Errorf("%s: got %v", expr, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: refusing took %v", expr, d)
		}
	}
}

// ISC cron takes 7 for Sunday wherever a day-of-week number goes: in
// lists, ranges and steps, next to names; each spelling runs on the same
// days as its 0-6 equivalent.
func TestCronDayOfWeekSeven(t *testing.T) {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // a Wednesday
	for expr, same := range map[string]string{
		"0 9 * * 7":         "0 9 * * 0",
		"0 9 * * 0,7":       "0 9 * * 0",
		"0 9 * * 5-7":       "0 9 * * 0,5,6",
		"0 9 * * 5-7/2":     "0 9 * * 0,5",
		"0 9 * * MON,7":     "0 9 * * 0,1",
		"0 9 * * sat,7":     "0 9 * * 0,6",
		"0 9 * * 1-7":       "0 9 * * *",
		"0 9 * * 0-7/7":     "0 9 * * 0",
		"0 9 * * 6-7,3":     "0 9 * * 0,3,6",
		"0 9 * * fri-sat,7": "0 9 * * 0,5,6",
		"0 9 * * 7-7":       "0 9 * * 0",
		"0 9 13 * 7":        "0 9 13 * 0",
	} {
		check(t, expr, runs(t, Spec{Cron: expr, TZ: "UTC"}, from, 8, time.UTC), runs(t, Spec{Cron: same, TZ: "UTC"}, from, 8, time.UTC))
	}
}

// A list item that is empty ("1,,2", ",5", "5,") is refused in every
// field, as ISC cron refuses it; robfig's parser skips it silently. Day
// numbers above 7 and reversed ranges are refused.
func TestCronRefusesBadLists(t *testing.T) {
	for expr, msg := range map[string]string{
		"0 9 * * 1,,2":   "empty item",
		"0 9 * * ,1":     "empty item",
		"0 9 * * 1,":     "empty item",
		"1,,2 9 * * *":   "empty item",
		"0 1,,2 * * *":   "empty item",
		"0 9 1,,2 * *":   "empty item",
		"0 9 * 1,,2 *":   "empty item",
		"0 9 * * 8":      "above maximum",
		"0 9 * * 1-8":    "above maximum",
		"0 9 * * 5-2":    "beginning of range (5) beyond end of range (2)",
		"0 9 * * mon-7x": "day-of-week",
		"0 9 * * 1/0":    "step",
		"0 9 * * funday": "day-of-week",
		"0 9 * * -1":     "day-of-week",
	} {
		err := Spec{Cron: expr}.Validate()
		var se *SpecError
		if !errors.As(err, &se) || se.Field != "cron" || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: err = %v, want a cron error saying %q", expr, err, msg)
		}
	}
}

// An empty or blank cron expression in a config is refused; it used to
// read as "no cron" and run the task at once.
func TestCronRefusesEmpty(t *testing.T) {
	for _, in := range []string{`{"cron": ""}`, `{"cron": "   "}`, `{"cron": "\t"}`} {
		var s Spec
		err := json.Unmarshal([]byte(in), &s)
		if err == nil {
			err = s.Validate()
		}
		var se *SpecError
		if !errors.As(err, &se) || se.Field != "cron" || !strings.Contains(err.Error(), "empty") {
			t.Errorf("%s: err = %v, want a cron error saying empty", in, err)
		}
	}
	if err := (Spec{Cron: "  "}).Validate(); err == nil || !strings.Contains(err.Error(), "cron: empty") {
		t.Errorf("blank Spec.Cron: %v", err)
	}
	if _, err := (Spec{Cron: " "}).NextRuns(time.Now(), 1); err == nil {
		t.Error("Next ran a blank cron")
	}
}

// The documented day rule (ISC cron): when day-of-month or day-of-week
// starts with "*", a day must match both; otherwise either.
func TestCronDayRule(t *testing.T) {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// Both restricted: the 13th OR a Friday.
	check(t, "13 or fri", runs(t, Spec{Cron: "0 0 13 * 5", TZ: "UTC"}, from, 3, time.UTC), []string{
		"2025-01-03 00:00:00 UTC", "2025-01-10 00:00:00 UTC", "2025-01-13 00:00:00 UTC"})
	// Day-of-month starts with "*": odd days AND Fridays.
	check(t, "*/2 and fri", runs(t, Spec{Cron: "0 0 */2 * 5", TZ: "UTC"}, from, 3, time.UTC), []string{
		"2025-01-03 00:00:00 UTC", "2025-01-17 00:00:00 UTC", "2025-01-31 00:00:00 UTC"})
	// Day-of-week starts with "*": the 13th, on any weekday.
	check(t, "13 and */1", runs(t, Spec{Cron: "0 0 13 * */1", TZ: "UTC"}, from, 2, time.UTC), []string{
		"2025-01-13 00:00:00 UTC", "2025-02-13 00:00:00 UTC"})
}

// A field that is not a number names the field and the text, in the
// words of the other cron errors, not Go's ("int from x: strconv.Atoi:
// parsing …").
func TestCronNamesAFieldThatIsNotANumber(t *testing.T) {
	for expr, msg := range map[string]string{
		"x 9 * * *":    `minute: "x" is not a number`,
		"0 nine * * *": `hour: "nine" is not a number`,
		"0 9 1-z * *":  `day-of-month: "z" is not a number`,
		"0 9 * 1/q *":  `month: "q" is not a number`,
		"*/a 9 * * *":  `minute: "a" is not a number`,
	} {
		err := Spec{Cron: expr}.Validate()
		var se *SpecError
		if !errors.As(err, &se) || se.Field != "cron" || !strings.Contains(err.Error(), msg) || strings.Contains(err.Error(), "strconv") {
			t.Errorf("%q: err = %v, want a cron error saying %s", expr, err, msg)
		}
	}
}
