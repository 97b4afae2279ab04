package aioschedule

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser reads the 5 standard fields and the @-descriptors. Only its
// field parsing is used: the next-time computation below is our own, so
// that DST gaps and folds follow ISC cron's rules.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// cronExpr is a parsed calendar schedule: the bit sets of the matching
// minutes, hours, days of the month, months and weekdays, the second of
// the minute, and the zone the fields are read in.
type cronExpr struct {
	sec                   int
	min, hour, dom, month uint64
	dow                   uint64
	domStar, dowStar      bool // the field was "*" or "?" (ISC: day matches dom AND dow)
	wildcard              bool // minute or hour field starts with "*": DST-shifted times are not moved
	loc                   *time.Location
	source                string
}

const starBit = 1 << 63

// parseCron parses a 5-field expression or a descriptor (not @every).
func parseCron(expr string, loc *time.Location) (*cronExpr, error) {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return nil, specErr("cron", "put the time zone in tz, not in the expression")
	}
	fields := strings.Fields(expr)
	if len(fields) == 0 {
		return nil, specErr("cron", "empty expression")
	}
	c := &cronExpr{loc: loc, source: expr}
	var ownDow *uint64 // the day-of-week bits read by parseDow
	if strings.HasPrefix(fields[0], "@") {
		if len(fields) != 1 {
			return nil, specErr("cron", "unknown descriptor "+strconv.Quote(expr)+" (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)")
		}
		switch fields[0] {
		case "@yearly", "@annually", "@monthly":
			c.domStar, c.dowStar = false, true
		case "@weekly":
			c.domStar, c.dowStar = true, false
		case "@daily", "@midnight":
			c.domStar, c.dowStar = true, true
		case "@hourly":
			c.domStar, c.dowStar, c.wildcard = true, true, true
		default:
			return nil, specErr("cron", "unknown descriptor "+strconv.Quote(expr)+" (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)")
		}
	} else {
		if len(fields) != 5 {
			return nil, specErr("cron", "want 5 fields (minute hour day-of-month month day-of-week), got "+strconv.Itoa(len(fields))+" in "+strconv.Quote(expr))
		}
		// robfig's parser skips an empty list item; ISC cron refuses it.
		for i, f := range fields {
			for _, item := range strings.Split(f, ",") {
				if item == "" {
					return nil, specErr("cron", "empty item in the "+fieldNames[i]+" list "+strconv.Quote(f)+" in "+strconv.Quote(c.source))
				}
			}
		}
		for i, f := range fields[:4] {
			if err := checkNumbers(fieldNames[i], f); err != nil {
				return nil, specErr("cron", err.Error()+" in "+strconv.Quote(c.source))
			}
		}
		// The day of the week is read here, as ISC cron reads it (7 is
		// Sunday too, in lists, ranges and steps); robfig's parser
		// gets "*" in its place.
		dow, err := parseDow(fields[4])
		if err != nil {
			return nil, specErr("cron", err.Error()+" in "+strconv.Quote(c.source))
		}
		star := func(f string) bool { return strings.HasPrefix(f, "*") || strings.HasPrefix(f, "?") }
		c.wildcard = star(fields[0]) || star(fields[1])
		c.domStar, c.dowStar = star(fields[2]), star(fields[4])
		fields[4] = "*"
		expr = strings.Join(fields, " ")
		ownDow = &dow
	}
	sch, err := cronParser.Parse(expr)
	if err != nil {
		return nil, specErr("cron", strings.TrimPrefix(err.Error(), "failed to parse ")+" in "+strconv.Quote(c.source))
	}
	ss, ok := sch.(*cron.SpecSchedule)
	if !ok {
		return nil, specErr("cron", "unsupported expression "+strconv.Quote(c.source))
	}
	c.min, c.hour, c.dom, c.month, c.dow = ss.Minute&^starBit, ss.Hour&^starBit, ss.Dom&^starBit, ss.Month&^starBit, ss.Dow&^starBit
	if ownDow != nil {
		c.dow = *ownDow
	}
	if !c.possible() {
		return nil, specErr("cron", "never matches: no month in "+strconv.Quote(c.source)+" has such a day")
	}
	return c, nil
}

// checkNumbers refuses a word in field (named name) where robfig's
// parser wants a number, naming both: its own error speaks Go ("int from
// x: strconv.Atoi: parsing …") and not of the field. A month may be a
// name (jan … dec); the parser checks the rest (ranges, maxima).
func checkNumbers(name, field string) error {
	for _, item := range strings.Split(field, ",") {
		for _, tok := range strings.FieldsFunc(item, func(r rune) bool { return r == '/' || r == '-' }) {
			if tok == "*" || tok == "?" || strings.Trim(tok, "0123456789") == "" {
				continue
			}
			if _, ok := monthNames[strings.ToLower(tok)]; ok && name == "month" {
				continue
			}
			return errors.New(name + ": " + strconv.Quote(tok) + " is not a number")
		}
	}
	return nil
}

var monthNames = map[string]bool{"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "oct": true, "nov": true, "dec": true}

// fieldNames name the 5 fields in messages.
var fieldNames = [5]string{"minute", "hour", "day-of-month", "month", "day-of-week"}

var dowNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// parseDow reads a day-of-week field as ISC cron does: a list of "*",
// "?", a day, or a range "a-b", each with an optional step "/n"; a day
// is 0-7 (0 and 7 are Sunday) or a name (sun … sat, any case). As in
// robfig's parser (and the other fields), "a/n" means from a to the end
// of the week: Saturday, or Sunday when a is 7. It returns bits 0-6.
func parseDow(field string) (uint64, error) {
	var bits uint64
	for _, item := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n <= 0 || stepText[0] == '+' {
				return 0, errors.New("day-of-week: bad step " + strconv.Quote(stepText) + " in " + strconv.Quote(item) + " (want a positive number)")
			}
			step = n
		}
		var lo, hi int
		if rng == "*" || rng == "?" {
			lo, hi = 0, 6
		} else {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = dowNumber(a); err != nil {
				return 0, err
			}
			switch {
			case isRange:
				if hi, err = dowNumber(b); err != nil {
					return 0, err
				}
				if lo > hi {
					return 0, errors.New("day-of-week: beginning of range (" + strconv.Itoa(lo) + ") beyond end of range (" + strconv.Itoa(hi) + ") in " + strconv.Quote(item))
				}
			case hasStep && lo < 7:
				hi = 6
			default:
				hi = lo
			}
		}
		for d := lo; d <= hi; d += step {
			bits |= 1 << uint(d%7)
		}
	}
	return bits, nil
}

// dowNumber reads one day of the week: 0-7 or a name.
func dowNumber(s string) (int, error) {
	if d, ok := dowNames[strings.ToLower(s)]; ok {
		return d, nil
	}
	if s == "" || len(s) > 3 || strings.Trim(s, "0123456789") != "" {
		return 0, errors.New("day-of-week: " + strconv.Quote(s) + " is not a day (want 0-7, 0 and 7 being Sunday, or sun, mon, tue, wed, thu, fri, sat)")
	}
	d, _ := strconv.Atoi(s)
	if d > 7 {
		return 0, errors.New("day-of-week: " + s + " above maximum (7)")
	}
	return d, nil
}

// clockExpr is the daily schedule of an "HH:MM[:SS]" At.
func clockExpr(h, m, s int, loc *time.Location, source string) *cronExpr {
	return &cronExpr{
		sec: s, min: 1 << uint(m), hour: 1 << uint(h),
		dom: bits(1, 31), month: bits(1, 12), dow: bits(0, 6),
		domStar: true, dowStar: true, loc: loc, source: source,
	}
}

func bits(lo, hi int) uint64 {
	var b uint64
	for i := lo; i <= hi; i++ {
		b |= 1 << uint(i)
	}
	return b
}

var maxDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// possible reports whether some date matches: with ISC's rules the day
// matches dom OR dow unless one of them is "*", when it needs both; every
// month has every weekday, so only a dom-only rule can be impossible
// (day 31 in April, day 30 in February).
func (c *cronExpr) possible() bool {
	if c.min == 0 || c.hour == 0 || c.month == 0 {
		return false
	}
	if c.domStar || !c.dowStar {
		return c.dow != 0 || !c.domStar
	}
	for m := 1; m <= 12; m++ {
		if c.month&(1<<uint(m)) == 0 {
			continue
		}
		for d := 1; d <= maxDays[m]; d++ {
			if c.dom&(1<<uint(d)) != 0 {
				return true
			}
		}
	}
	return false
}

func (c *cronExpr) dayMatches(y int, m time.Month, d int) bool {
	if c.month&(1<<uint(m)) == 0 {
		return false
	}
	domOK := c.dom&(1<<uint(d)) != 0
	wd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()
	dowOK := c.dow&(1<<uint(wd)) != 0
	if c.domStar || c.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// searchYears bounds the search for a matching date (29 February can be
// 8 years away; possible() has already ruled out dates that never come).
const searchYears = 10

// nextWall returns the first matching wall time strictly after w. Wall
// times are "naive": their fields, in UTC, are the wall clock of c.loc.
func (c *cronExpr) nextWall(w time.Time) (time.Time, bool) {
	w = w.Truncate(time.Second).Add(time.Second)
	y, mo, d := w.Date()
	h, mi, s := w.Clock()
	limit := y + searchYears
	first := true
	for day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC); day.Year() <= limit; {
		dy, dm, dd := day.Date()
		if c.month&(1<<uint(dm)) == 0 {
			day = time.Date(dy, dm+1, 1, 0, 0, 0, 0, time.UTC)
			first = false
			continue
		}
		if c.dayMatches(dy, dm, dd) {
			h0, m0, s0 := 0, 0, 0
			if first {
				h0, m0, s0 = h, mi, s
			}
			if hh, mm, ok := c.timeOfDay(h0, m0, s0); ok {
				return time.Date(dy, dm, dd, hh, mm, c.sec, 0, time.UTC), true
			}
		}
		day = day.AddDate(0, 0, 1)
		first = false
	}
	return time.Time{}, false
}

// timeOfDay returns the first matching hour and minute at or after h0:m0:s0.
func (c *cronExpr) timeOfDay(h0, m0, s0 int) (int, int, bool) {
	for h := h0; h < 24; h++ {
		if c.hour&(1<<uint(h)) == 0 {
			continue
		}
		m := 0
		if h == h0 {
			m = m0
		}
		for ; m < 60; m++ {
			if c.min&(1<<uint(m)) == 0 {
				continue
			}
			if h == h0 && m == m0 && c.sec < s0 {
				continue
			}
			return h, m, true
		}
	}
	return 0, 0, false
}

func naive(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

func offsetAt(unix int64, loc *time.Location) int64 {
	_, off := time.Unix(unix, 0).In(loc).Zone()
	return int64(off)
}

// fire returns the instants at which the wall time w runs, earliest
// first, following ISC cron: a wall time that happens twice (a fall-back
// fold) runs once, at its first occurrence, unless the expression is a
// wildcard one (minute or hour "*"), which runs by elapsed time and so at
// both; a wall time skipped by a spring-forward gap runs once at the
// transition, unless the expression is a wildcard one, which just skips it.
func (c *cronExpr) fire(w time.Time) []time.Time {
	W := w.Unix()
	o1, o2 := offsetAt(W-86400, c.loc), offsetAt(W+86400, c.loc)
	var out []time.Time
	if offsetAt(W-o1, c.loc) == o1 {
		out = append(out, time.Unix(W-o1, 0))
	}
	if o2 != o1 && offsetAt(W-o2, c.loc) == o2 {
		out = append(out, time.Unix(W-o2, 0))
	}
	switch len(out) {
	case 0: // in a gap
		if c.wildcard {
			return nil
		}
		start, _ := time.Unix(W-o1, 0).In(c.loc).ZoneBounds()
		return []time.Time{start}
	case 2:
		if out[1].Before(out[0]) {
			out[0], out[1] = out[1], out[0]
		}
		if !c.wildcard {
			out = out[:1]
		}
	}
	return out
}

// dstMargin covers the largest DST shift in use (two hours, historically).
const dstMargin = 3 * time.Hour

// next returns the first run strictly after t, and false when none comes
// within the search window.
func (c *cronExpr) next(t time.Time) (time.Time, bool) {
	t = t.In(c.loc)
	wt := naive(t)
	// Fast path: no zone transition near t or the candidate, so the
	// wall clock maps one to one onto instants.
	zs, ze := t.ZoneBounds()
	if zs.IsZero() || t.Sub(zs) > dstMargin {
		w, ok := c.nextWall(wt)
		if !ok {
			return time.Time{}, false
		}
		_, off := t.Zone()
		at := time.Unix(w.Unix()-int64(off), 0)
		if ze.IsZero() || at.Before(ze) {
			return at.In(c.loc), true
		}
	}
	// Slow path: look at every wall slot from dstMargin before t until
	// dstMargin past the best candidate.
	var best, bestWall time.Time
	w := wt.Add(-dstMargin)
	for {
		var ok bool
		w, ok = c.nextWall(w)
		if !ok || (!best.IsZero() && w.Sub(bestWall) > dstMargin) {
			break
		}
		for _, at := range c.fire(w) {
			if at.After(t) && (best.IsZero() || at.Before(best)) {
				best, bestWall = at, w
			}
		}
	}
	if best.IsZero() {
		return time.Time{}, false
	}
	return best.In(c.loc), true
}
