package aiolog

// This file is the reading side of the ring: a cursor (a reader's place,
// which survives eviction and reports what it lost), the chunked scan that
// copies matching records out under short lock holds, and the scanner that
// drives a Query through the ring for Scan and Follow (query.go).

import (
	"context"
	"encoding/binary"
	"log/slog"
	"time"
)

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
