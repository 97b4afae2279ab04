package aiolog

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"time"
)

// Query selects lines of a Ring. The zero Query selects every line.
type Query struct {
	// Grep, when not empty, keeps the lines that match it (see Mode). An
	// all-lower-case pattern matches case-insensitively (smart case).
	Grep string
	// Mode says how Grep is matched; Auto treats a pattern with '*' as a
	// Glob over the whole line, any other as a Substring.
	Mode Mode
	// Task, when not empty, keeps the lines of that task.
	Task string
	// MinLevel, when not nil, keeps the lines at that level or above.
	MinLevel slog.Leveler
	// Since and Until, when not zero, keep the lines stamped at or after
	// Since and before Until.
	Since, Until time.Time
	// Tail > 0 keeps only the last Tail matching lines (tail -n). For Follow,
	// Tail > 0 first replays the last Tail matching lines, Tail == 0 replays
	// none and Tail < 0 replays all of them.
	Tail int
}

// matcher is a compiled Query.
type matcher struct {
	pattern
	task               []byte
	level              int8
	hasLevel           bool
	since, until       int64
	hasSince, hasUntil bool
	filters            bool // any of task, level, since, until
}

func compile(q Query) (*matcher, error) {
	p, err := compilePattern(q.Grep, q.Mode)
	if err != nil {
		return nil, err
	}
	m := &matcher{pattern: p}
	if q.Task != "" {
		m.task = appendEscaped(nil, q.Task)
		m.filters = true
	}
	if q.MinLevel != nil {
		l := q.MinLevel.Level()
		m.hasLevel, m.filters = true, true
		switch {
		case l < -128:
			m.hasLevel = false
		case l > 127:
			m.level = 127
		default:
			m.level = int8(l)
		}
	}
	if !q.Since.IsZero() {
		m.since, m.hasSince, m.filters = q.Since.UnixNano(), true, true
	}
	if !q.Until.IsZero() {
		m.until, m.hasUntil, m.filters = q.Until.UnixNano(), true, true
	}
	return m, nil
}

// keep reports whether the record whose header is h and text t passes the
// filters (not the pattern).
func (m *matcher) keep(h, t []byte) bool {
	if !m.filters {
		return true
	}
	if m.hasLevel && int8(h[12]) < m.level {
		return false
	}
	if m.hasSince || m.hasUntil {
		ts := int64(binary.LittleEndian.Uint64(h[4:]))
		if m.hasSince && ts < m.since {
			return false
		}
		if m.hasUntil && ts >= m.until {
			return false
		}
	}
	if m.task != nil {
		n := int(h[13])
		off := int(binary.LittleEndian.Uint16(h[14:]))
		if n != len(m.task) || string(t[off:off+n]) != string(m.task) {
			return false
		}
	}
	return true
}

// Scan calls fn for every line selected by q, oldest first, stopping at the
// first error fn returns (which Scan returns). It sees the lines written
// before it was called; lines evicted while it runs are reported by one Line
// whose Lost field counts them. fn runs without any lock held.
func (r *Ring) Scan(q Query, fn func(Line) error) error {
	m, err := compile(q)
	if err != nil {
		return err
	}
	s := &scanner{r: r, m: m}
	c, end, err := s.start(q.Tail, false)
	if err != nil {
		return err
	}
	_, err = s.run(c, end, fn)
	return err
}

// Lines returns the lines selected by q, oldest first.
func (r *Ring) Lines(q Query) ([]Line, error) {
	var out []Line
	err := r.Scan(q, func(l Line) error { out = append(out, l); return nil })
	return out, err
}

// Cat writes the lines selected by q to w, oldest first, one per line
// (cat, grep and tail -n).
func (r *Ring) Cat(w io.Writer, q Query) error {
	var b []byte
	return r.Scan(q, func(l Line) error {
		b = append(append(b[:0], l.Text...), '\n')
		_, err := w.Write(b)
		return err
	})
}

// TaskLog returns the printed text of the last n lines (all when n <= 0) of
// task, oldest first, escaped and without newlines. A line belongs to a task
// when it was logged with the TaskKey attribute, or written through Write
// starting with "[task]", or through a LineWriter for that task. It
// implements the log view that aioctl's status shows.
func (r *Ring) TaskLog(task string, n int) []string {
	q := Query{Task: task, Tail: n}
	if n <= 0 {
		q.Tail = 0
	}
	var out []string
	_ = r.Scan(q, func(l Line) error {
		if l.Lost == 0 {
			out = append(out, l.Text)
		}
		return nil
	})
	return out
}

// Follow calls fn for the lines selected by q as they are written (tail -F),
// after replaying existing ones as q.Tail says, until ctx is done (it then
// returns ctx.Err(), also in the middle of a replay or catch-up, checked
// every chunk of about 256 KiB) or fn returns an error. The writer that stores a line
// wakes the follower: there is no polling, and writers never wait for a
// follower. When a follower falls so far behind that lines it has not read
// are evicted, it gets one Line whose Lost field counts them exactly, and
// Text "-- N lines lost --". Lost counts all evicted lines, matching q or not.
// fn runs without any lock held.
func (r *Ring) Follow(ctx context.Context, q Query, fn func(Line) error) error {
	m, err := compile(q)
	if err != nil {
		return err
	}
	s := &scanner{r: r, m: m, ctx: ctx}
	c, end, err := s.start(q.Tail, true)
	if err != nil {
		return err
	}
	for {
		if c, err = s.run(c, end, fn); err != nil {
			return err
		}
		r.mu.Lock()
		end = r.nextSeq
		var wake chan struct{}
		if c.seq >= end && c.seq >= r.headSeq {
			if r.notify == nil {
				r.notify = make(chan struct{})
			}
			wake = r.notify
		}
		r.mu.Unlock()
		if wake == nil {
			if err := ctx.Err(); err != nil {
				return err
			}
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// FollowTo writes the lines Follow delivers to w, one per line.
func (r *Ring) FollowTo(ctx context.Context, w io.Writer, q Query) error {
	var b []byte
	return r.Follow(ctx, q, func(l Line) error {
		b = append(append(b[:0], l.Text...), '\n')
		_, err := w.Write(b)
		return err
	})
}
