package aioschedule

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// minPeriod is the shortest repeat accepted: shorter ones would keep the
// scheduler busy for no use.
const minPeriod = time.Millisecond

// plan is a validated Spec, ready to compute run times.
type plan struct {
	rule
	startIn   time.Duration // first run after base (kindStartIn)
	at        time.Time     // absolute first run (RFC 3339 At)
	daily     *cronExpr     // "HH:MM[:SS]" At: the first run is its next time
	fromStart bool          // StartIn counts from the scheduler's start
	loc       *time.Location
}

// rule is the part of a plan a schedule keeps once its first run is known:
// what plans each run after the previous one. It is kept by value in each
// entry (no pointer, no second copy of the Spec) so that a schedule costs
// little memory beside its task.
type rule struct {
	cron   *cronExpr     // calendar schedule
	period time.Duration // repeat period; 0 for a calendar or a single run
}

// compile validates s and returns its plan (by value: adding a schedule
// allocates only its entry).
func compile(s Spec) (plan, error) {
	p := plan{fromStart: s.From == FromStart, loc: time.Local}
	for _, f := range [...]struct {
		key string
		d   time.Duration
	}{{"start_in", s.StartIn}, {"repeat", s.Repeat}, {"jitter", s.Jitter}} {
		if err := aioctl.CheckDuration(f.d); err != nil {
			return plan{}, durationErr(f.key, err)
		}
	}
	switch {
	case s.RepeatStartIn && s.Repeat != 0:
		return plan{}, specErr("repeat", "set either a period or true, not both")
	case s.RepeatStartIn && s.StartIn <= 0:
		return plan{}, specErr("repeat", "true means every start_in, which must then be positive")
	}
	switch s.From {
	case "", FromNow, FromStart:
	default:
		return plan{}, specErr("from", "want \"now\" or \"start\", got "+strconv.Quote(s.From))
	}
	if s.TZ != "" {
		loc, err := time.LoadLocation(s.TZ)
		if err != nil {
			return plan{}, specErr("tz", "unknown time zone "+strconv.Quote(s.TZ))
		}
		p.loc = loc
	}
	p.period = s.Repeat
	if s.RepeatStartIn {
		p.period = s.StartIn
	}
	if p.period != 0 && p.period < minPeriod {
		return plan{}, specErr("repeat", "period "+p.period.String()+" is under "+minPeriod.String())
	}
	p.startIn = s.StartIn
	cronExprText := strings.TrimSpace(s.Cron)
	if s.Cron != "" && cronExprText == "" {
		return plan{}, specErr("cron", "empty expression")
	}
	switch {
	case cronExprText != "":
		for _, f := range []struct {
			name string
			set  bool
		}{{"start_in", s.StartIn != 0}, {"repeat", s.Repeat != 0 || s.RepeatStartIn}, {"at", s.At != ""}} {
			if f.set {
				return plan{}, specErr(f.name, "cannot be combined with cron")
			}
		}
		if rest, ok := strings.CutPrefix(cronExprText, "@every"); ok {
			if strings.TrimSpace(rest) == "" || rest[0] != ' ' && rest[0] != '\t' {
				return plan{}, specErr("cron", "want \"@every <duration>\", got "+strconv.Quote(cronExprText))
			}
			d, err := ParseDuration("cron", rest)
			if err != nil {
				return plan{}, err
			}
			if d < minPeriod {
				return plan{}, specErr("cron", "@every period "+d.String()+" is under "+minPeriod.String())
			}
			if s.TZ != "" {
				return plan{}, specErr("tz", "does not apply to @every")
			}
			p.startIn, p.period = d, d
			return p, nil
		}
		if s.From != "" {
			return plan{}, specErr("from", "applies to start_in and @every, not to a calendar cron")
		}
		c, err := parseCron(cronExprText, p.loc)
		if err != nil {
			return plan{}, err
		}
		p.cron = c
	case s.At != "":
		if s.StartIn != 0 {
			return plan{}, specErr("start_in", "cannot be combined with at")
		}
		if s.From != "" {
			return plan{}, specErr("from", "applies to start_in, not to at")
		}
		if err := p.parseAt(strings.TrimSpace(s.At), s.TZ); err != nil {
			return plan{}, err
		}
	default:
		if s.TZ != "" {
			return plan{}, specErr("tz", "applies to cron and an \"HH:MM\" at only")
		}
	}
	return p, nil
}

func (p *plan) parseAt(at, tz string) error {
	if strings.Count(at, ":") <= 2 && len(at) <= 8 && !strings.ContainsAny(at, "T ") {
		parts := strings.Split(at, ":")
		if len(parts) < 2 {
			return specErr("at", "want an RFC 3339 time or \"HH:MM[:SS]\", got "+strconv.Quote(at))
		}
		var v [3]int
		lim := [3]int{23, 59, 59}
		for i, part := range parts {
			n, err := strconv.Atoi(part)
			if err != nil || len(part) != 2 || n < 0 || n > lim[i] {
				return specErr("at", "bad time of day "+strconv.Quote(at)+" (want HH:MM or HH:MM:SS, 00:00 to 23:59:59)")
			}
			v[i] = n
		}
		p.daily = clockExpr(v[0], v[1], v[2], p.loc, at)
		return nil
	}
	if tz != "" {
		return specErr("tz", "an RFC 3339 at carries its own offset; tz applies to \"HH:MM\" only")
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return specErr("at", "bad time "+strconv.Quote(at)+": "+strings.TrimPrefix(err.Error(), "parsing time "))
	}
	p.at = t
	return nil
}

// first returns the first run: start is the scheduler's start, now the
// time the schedule is added. ok is false when the schedule never runs.
func (p *plan) first(start, now time.Time) (time.Time, bool) {
	switch {
	case p.cron != nil:
		return p.cron.next(now)
	case p.daily != nil:
		return p.daily.next(now)
	case !p.at.IsZero():
		return p.at, true
	}
	base := now
	if p.fromStart {
		base = start
	}
	return base.Add(p.startIn), true
}

// after returns the run planned after the run at slot; ok is false when
// the schedule has no more runs.
func (p *rule) after(slot time.Time) (time.Time, bool) {
	if p.cron != nil {
		return p.cron.next(slot)
	}
	if p.period > 0 {
		return slot.Add(p.period), true
	}
	return time.Time{}, false
}

// advance looks at the runs planned from slot (which is due) up to now:
// it returns the latest of them, how many there are (at least 1, at most
// maxCount), and the first run after now (ok false: no more runs).
func (p *rule) advance(slot, now time.Time, maxCount int) (last time.Time, n int, next time.Time, ok bool) {
	last, n = slot, 1
	if p.cron == nil && p.period > 0 {
		k := int64(0)
		if now.After(slot) {
			k = int64(now.Sub(slot) / p.period)
		}
		if k > 0 { // on time, the usual case, last is slot
			last = slot.Add(time.Duration(k) * p.period)
		}
		if k >= int64(maxCount) {
			n = maxCount
		} else {
			n = int(k) + 1
		}
		return last, n, last.Add(p.period), true
	}
	next, ok = p.after(slot)
	for ok && !next.After(now) {
		if n >= maxCount {
			// Too many to walk one by one: jump to now.
			last = next
			next, ok = p.cron.next(now)
			return last, n, next, ok
		}
		last, n = next, n+1
		next, ok = p.after(next)
	}
	return last, n, next, ok
}

// NextRuns returns the next n runs s plans after from, as a preview
// (systemd-analyze calendar style): the runs a schedule of s added at from
// would make, without jitter. A StartIn counts from from, also with
// FromStart (the preview has no scheduler whose start it could count from).
// A spec that does not validate gives its SpecError; a spec that never runs
// again gives fewer than n runs.
func (s Spec) NextRuns(from time.Time, n int) ([]time.Time, error) {
	p, err := compile(s)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	slot, ok := p.first(from, from)
	for ; ok && len(out) < n; slot, ok = p.after(slot) {
		out = append(out, slot)
	}
	return out, nil
}
