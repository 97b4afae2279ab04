package aiolog

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"strconv"
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

// Line is one line read from a Ring.
type Line struct {
	Seq   uint64     // sequence number, 1 for the first line ever written
	Time  time.Time  // time stamp
	Level slog.Level // level (clamped to int8)
	Task  string     // task name, "" if none
	Text  string     // the line as printed, escaped, without newline
	// Lost is not zero for a notice that Lost lines were evicted before the
	// reader could see them; Text is then "-- N lines lost --" and the other
	// fields are zero.
	Lost uint64
}

// LostText returns the notice printed for n lost lines.
func LostText(n uint64) string {
	return "-- " + strconv.FormatUint(n, 10) + " lines lost --"
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

// cursor is a reader's place: the sequence number of the next record to read
// and, when that record exists and is not the oldest, its offset (or the
// offset of the wrap mark before it).
type cursor struct {
	seq uint64
	pos int
}

// resolve makes c point at a live record (or the end), returning how many
// lines were evicted under it. Called with r.mu held.
func (r *Ring) resolve(c *cursor) (lost uint64) {
	switch {
	case c.seq < r.headSeq:
		lost = r.headSeq - c.seq
		c.seq, c.pos = r.headSeq, r.head
	case c.seq == r.headSeq:
		c.pos = r.head
	case c.seq < r.nextSeq && r.wrapAt(c.pos):
		c.pos = 0
	}
	return lost
}

// step moves c past the record it points at. Called with r.mu held.
func (r *Ring) step(c *cursor) {
	c.pos += r.recLen(c.pos)
	c.seq++
	if c.seq < r.nextSeq && r.wrapAt(c.pos) {
		c.pos = 0
	}
}

// segEnd returns the end of the run of contiguous records that holds pos.
func (r *Ring) segEnd(pos int) int {
	if r.tail > r.head || pos < r.tail {
		return r.tail
	}
	return r.wrapEnd
}

// batch collects the records a scan step selected, copied out of the arena
// so that they are delivered without the lock held.
type batch struct {
	data []byte
	recs []brec
	curs []cursor // positions only (tail's first pass)
	only bool     // collect positions, not data
}

type brec struct {
	seq        uint64
	ts         int64
	level      int8
	toff, tlen int
	off, n     int
}

func (b *batch) reset() {
	b.data, b.recs, b.curs = b.data[:0], b.recs[:0], b.curs[:0]
}

func (r *Ring) collect(b *batch, c cursor) {
	if b.only {
		b.curs = append(b.curs, c)
		return
	}
	h := r.buf[c.pos : c.pos+hdrSize]
	n := int(binary.LittleEndian.Uint32(h))
	off := len(b.data)
	b.data = append(b.data, r.buf[c.pos+hdrSize:c.pos+hdrSize+n]...)
	b.recs = append(b.recs, brec{
		seq: c.seq, ts: int64(binary.LittleEndian.Uint64(h[4:])), level: int8(h[12]),
		tlen: int(h[13]), toff: int(binary.LittleEndian.Uint16(h[14:])), off: off, n: n,
	})
}

// scanChunk is the bytes a scan examines per lock hold, so that a long query
// delays writers by microseconds only.
const scanChunk = 256 << 10

// scanLocked advances c towards end, collecting matching records into b,
// until it reaches end or has examined about scanChunk bytes.
func (r *Ring) scanLocked(c *cursor, end uint64, m *matcher, b *batch) {
	done := 0
	for c.seq < end && done < scanChunk {
		if m.find == nil {
			h := r.buf[c.pos : c.pos+hdrSize]
			n := int(binary.LittleEndian.Uint32(h))
			t := r.buf[c.pos+hdrSize : c.pos+hdrSize+n]
			if m.keep(h, t) && (m.match == nil || m.match(t)) {
				r.collect(b, *c)
			}
			done += hdrSize + n
			r.step(c)
			continue
		}
		done += r.searchWindow(c, end, m, b)
	}
}

// searchWindow runs the substring search over a window of contiguous
// records starting at c, locating each match in its record afterwards. It
// returns the bytes the window spanned.
func (r *Ring) searchWindow(c *cursor, end uint64, m *matcher, b *batch) int {
	start := c.pos
	wEnd := min(r.segEnd(start), start+max(scanChunk, r.recLen(start)))
	for c.seq < end && c.pos >= start {
		ps := c.pos + hdrSize
		if ps > wEnd {
			break
		}
		i := m.find(r.buf[ps:wEnd])
		if i < 0 {
			// No match in the window: skip the records it holds whole.
			r.walk(c, end, wEnd)
			break
		}
		at := ps + i
		r.walk(c, end, at)
		if c.seq >= end || c.pos < start {
			break
		}
		ps = c.pos + hdrSize
		pe := c.pos + r.recLen(c.pos)
		if at < ps {
			continue // the match began in a header; search this record again
		}
		if at+m.plen <= pe && m.keep(r.buf[c.pos:ps], r.buf[ps:pe]) {
			r.collect(b, *c)
		}
		r.step(c)
	}
	return wEnd - start
}

// walk moves c over the records before end that lie wholly before limit,
// within c's run of contiguous records (limit <= its end).
func (r *Ring) walk(c *cursor, end uint64, limit int) {
	buf := r.buf
	pos, seq := c.pos, c.seq
	for seq < end && pos+4 <= len(buf) {
		n := hdrSize + int(binary.LittleEndian.Uint32(buf[pos:]))
		if pos+n > limit {
			break
		}
		pos += n
		seq++
	}
	if seq != c.seq && seq < r.nextSeq && r.wrapAt(pos) {
		pos = 0
	}
	c.pos, c.seq = pos, seq
}

// scanner drives a query through the ring chunk by chunk.
type scanner struct {
	r   *Ring
	m   *matcher
	b   batch
	ctx context.Context // Follow's: checked before each chunk; nil for Scan
}

// run scans from c up to end (exclusive), calling fn for every matching
// line and lost-lines notice, and returns the cursor where it stopped.
func (s *scanner) run(c cursor, end uint64, fn func(Line) error) (cursor, error) {
	r := s.r
	for c.seq < end {
		if s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return c, err
			}
		}
		s.b.reset()
		r.mu.Lock()
		lost := r.resolve(&c)
		if c.seq < end {
			r.scanLocked(&c, min(end, r.nextSeq), s.m, &s.b)
		}
		r.mu.Unlock()
		if lost > 0 && !s.b.only {
			if err := fn(Line{Text: LostText(lost), Lost: lost}); err != nil {
				return c, err
			}
		}
		if err := s.deliver(fn); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (s *scanner) deliver(fn func(Line) error) error {
	if s.b.only {
		return nil
	}
	for _, e := range s.b.recs {
		text := string(s.b.data[e.off : e.off+e.n])
		l := Line{Seq: e.seq, Time: time.Unix(0, e.ts), Level: slog.Level(e.level), Text: text}
		if e.tlen > 0 {
			l.Task = text[e.toff : e.toff+e.tlen]
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

// start returns the cursor where a query's output begins and the end of
// the ring, replaying the last tail matching lines (all if tail < 0, none if
// tail == 0 and follow is set).
func (s *scanner) start(tail int, follow bool) (cursor, uint64, error) {
	r := s.r
	r.mu.Lock()
	first := cursor{seq: r.headSeq, pos: r.head}
	endc := cursor{seq: r.nextSeq, pos: r.tail}
	r.mu.Unlock()
	if tail < 0 || (tail == 0 && !follow) {
		return first, endc.seq, nil
	}
	if tail == 0 {
		return endc, endc.seq, nil
	}
	// First pass: remember the positions of the last tail matches.
	keep := make([]cursor, 0, min(tail, 1024))
	next := 0
	s.b.only = true
	c := first
	for c.seq < endc.seq {
		if s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return c, 0, err
			}
		}
		s.b.reset()
		r.mu.Lock()
		r.resolve(&c)
		r.scanLocked(&c, endc.seq, s.m, &s.b)
		r.mu.Unlock()
		for _, k := range s.b.curs {
			if len(keep) < tail {
				keep = append(keep, k)
			} else {
				keep[next] = k
				next = (next + 1) % tail
			}
		}
	}
	s.b.only = false
	if len(keep) == 0 {
		return endc, endc.seq, nil
	}
	return keep[next%len(keep)], endc.seq, nil
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
