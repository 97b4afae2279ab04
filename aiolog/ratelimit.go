package aiolog

import (
	"log/slog"
	"strconv"
	"time"
)

// maxLimitedTasks bounds the rate limiter's table so that its memory does
// not grow with the number of distinct task names.
const maxLimitedTasks = 256

// WithRateLimit limits every task to n lines per interval. Lines beyond n in
// an interval are dropped and counted; once the interval has ended, the ring
// stores one line "... [WARN] [task] suppressed N lines" for that task, in the
// seed format with the ring's name (WithName). The
// ring has no timer: the suppressed line is written by the first line stored
// (of any task) after the interval ended, just before that line. Lines without
// a task share one budget under the empty name. The limiter's table holds at
// most 256 tasks; lines of further tasks are not limited.
func WithRateLimit(n int, interval time.Duration) Option {
	return func(r *Ring) {
		if n > 0 && interval > 0 {
			r.limit = &limiter{n: n, per: int64(interval), tasks: make(map[string]*taskLimit)}
		}
	}
}

type limiter struct {
	n       int
	per     int64
	tasks   map[string]*taskLimit
	nextEnd int64  // earliest end of an interval with dropped lines; 0: none
	pending []byte // "suppressed" lines for the WithCopy writer, not yet written
}

type taskLimit struct {
	start   int64
	count   int
	dropped int
}

// admit reports whether a line of task at time ts may be stored, first
// writing the "suppressed" lines of intervals that have ended. Called with
// r.mu held.
func (l *limiter) admit(r *Ring, ts int64, task []byte) bool {
	if l.nextEnd != 0 && ts >= l.nextEnd {
		l.flush(r, ts)
	}
	t := l.tasks[string(task)]
	if t == nil {
		if len(l.tasks) >= maxLimitedTasks {
			for k, v := range l.tasks {
				if v.dropped == 0 && ts-v.start >= l.per {
					delete(l.tasks, k)
				}
			}
			if len(l.tasks) >= maxLimitedTasks {
				return true
			}
		}
		t = &taskLimit{start: ts}
		l.tasks[string(task)] = t
	}
	if ts-t.start >= l.per {
		t.start, t.count = ts, 0
	}
	t.count++
	if t.count <= l.n {
		return true
	}
	t.dropped++
	r.suppressed++
	if end := t.start + l.per; l.nextEnd == 0 || end < l.nextEnd {
		l.nextEnd = end
	}
	return false
}

// flush writes a "suppressed" line for every task whose interval with
// dropped lines has ended by ts.
func (l *limiter) flush(r *Ring, ts int64) {
	l.nextEnd = 0
	var a [320]byte
	for name, t := range l.tasks {
		if t.dropped == 0 {
			continue
		}
		end := t.start + l.per
		if ts < end {
			if l.nextEnd == 0 || end < l.nextEnd {
				l.nextEnd = end
			}
			continue
		}
		b := appendStamp(a[:0], time.Unix(0, ts), r.loc)
		b = append(b, " ["...)
		b = appendEscaped(b, r.name)
		b = append(b, "] [WARN] "...)
		off, n := 0, 0
		if name != "" {
			b = append(b, '[')
			off = len(b)
			b = appendEscaped(b, name)
			n = len(b) - off
			b = append(b, ']', ' ')
		}
		b = append(b, "suppressed "...)
		b = strconv.AppendInt(b, int64(t.dropped), 10)
		b = append(b, " lines"...)
		r.appendLocked(ts, slog.LevelWarn, off, n, b)
		if r.copiesAt(slog.LevelWarn) {
			l.pending = r.appendCopy(l.pending, b)
		}
		t.dropped = 0
		t.start, t.count = ts, 0
	}
}
