package aiolog

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"
)

// TaskKey is the attribute key whose value names the task a line belongs
// to. The handler prints it as the bracket before the message.
const TaskKey = "task"

// TruncMarker ends a line that was cut to fit the ring's budget.
const TruncMarker = " [...truncated]"

// MinBudget is the smallest budget New accepts; smaller budgets are raised to it.
const MinBudget = 256

// MaxBudget is the largest budget New accepts; larger budgets are lowered to it.
const MaxBudget = 1<<31 - 1

// Record layout in the arena: a 16-byte header followed by the line text.
//
//	[0:4]   text length (uint32, little endian); wrapMark means "continue at 0"
//	[4:12]  time, Unix nanoseconds (int64)
//	[12]    level (int8)
//	[13]    task name length (0: no task)
//	[14:16] task name offset in the text (uint16)
//
// Sequence numbers are not stored: records are consecutive, so the ring keeps
// only the sequence number of the oldest one.
const (
	hdrSize  = 16
	wrapMark = 0xFFFFFFFF
	maxTask  = 255
)

// Ring is a fixed-budget log of whole lines kept in RAM. It is safe for
// concurrent use. All its lines live in one byte arena of the budget's size,
// each record being a 16-byte header (length, time, level, task position)
// followed by the line's text; when a line does not fit, the oldest lines are
// evicted. The memory a Ring holds therefore never grows with the number of
// lines written: it is the budget plus a constant-size Ring value (and, with
// WithRateLimit, a bounded per-task table).
//
// Ring is an io.Writer: see Write.
type Ring struct {
	mu      sync.Mutex
	buf     []byte // the arena, len(buf) == budget
	head    int    // offset of the oldest record (== tail when empty)
	tail    int    // offset where the next record goes
	count   int    // live records
	used    int    // bytes of live records, headers included
	headSeq uint64 // sequence number of the oldest record
	nextSeq uint64 // sequence number of the next record
	wrapEnd int    // when wrapped, the end of the records before the wrap mark
	notify  chan struct{}

	evicted, truncated, suppressed uint64

	now     func() time.Time
	fixedTS bool // now was set with WithClock
	level   slog.Level
	levels  *Levels
	limit   *limiter
	name    string
	loc     *time.Location

	copyQueue int          // WithCopyQueue's size
	copies    []copyTarget // WithCopy's writers
}

// copyTarget is one WithCopy writer: its minimum level, and the queue its
// copies go through (the writer itself when it is a *QueueWriter).
type copyTarget struct {
	min slog.Level
	w   io.Writer
	q   *QueueWriter
}

// Option configures a Ring.
type Option func(*Ring)

// WithClock makes the ring take the time of every line from now, instead of
// time.Now (for io.Writer lines) or the slog.Record's time (for handler
// lines). Tests use it with a fixed or fake clock.
func WithClock(now func() time.Time) Option {
	return func(r *Ring) {
		if now != nil {
			r.now = now
			r.fixedTS = true
		}
	}
}

// WithName sets the logger name that the ring's handlers print as the first
// bracket (default "pyb", as in the seed) and that the ring's own lines
// ("suppressed N lines") carry.
func WithName(name string) Option { return func(r *Ring) { r.name = name } }

// WithLocation sets the time zone in which the ring's handlers and its own
// lines print times (default time.Local).
func WithLocation(loc *time.Location) Option {
	return func(r *Ring) {
		if loc != nil {
			r.loc = loc
		}
	}
}

// WithWriteLevel sets the level given to lines written through Write
// (default slog.LevelInfo).
func WithWriteLevel(l slog.Level) Option { return func(r *Ring) { r.level = l } }

// WithCopy copies every line at level min or above to w, followed by a
// newline, after it is stored in the ring, as the ring stores it (a line cut
// to fit the budget ends with TruncMarker); the rate limit's "suppressed"
// lines, at WARN, are copied too. Each line is one Write call to w, in the
// order of the ring.
//
// A slow or blocked w never holds up logging: the copies go through a
// QueueWriter of WithCopyQueue bytes (DefaultCopyQueue unless set; w itself
// when it is a *QueueWriter). Lines that find the queue full are dropped and
// counted in Stats.CopyDropped, and w gets a "-- N lines not echoed --" line
// in their place once it takes lines again; failed writes are counted in
// Stats.CopyErrors. FlushCopy waits for the queue to empty.
// OpenRotatingFile provides the seed's rotated error.log.
//
// WithCopy may be given more than once (an echo of INFO lines to stdout
// and ERROR lines to error.log): each writer gets the lines at its own
// minimum level, through its own queue.
func WithCopy(min slog.Level, w io.Writer) Option {
	return func(r *Ring) { r.copies = append(r.copies, copyTarget{min: min, w: w}) }
}

// WithCopyQueue sets the size in bytes of the queue between the ring and
// the WithCopy writer (see WithCopy). 0 means no queue: each line is
// written to the writer by the goroutine that logs it, which then waits for
// a slow writer (the TinyGo default, where the board's writers are its own).
func WithCopyQueue(size int) Option {
	return func(r *Ring) { r.copyQueue = max(size, 0) }
}

// FlushCopy waits until every line copied so far has been written to the
// WithCopy writers (or dropped), or ctx ends. Without WithCopy it returns nil.
func (r *Ring) FlushCopy(ctx context.Context) error {
	for _, c := range r.copies {
		if err := c.q.Flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// New returns a Ring holding at most budget bytes of lines and their
// bookkeeping. The budget is clamped to [MinBudget, MaxBudget].
func New(budget int, opts ...Option) *Ring {
	if budget < MinBudget {
		budget = MinBudget
	}
	if budget > MaxBudget {
		budget = MaxBudget
	}
	r := &Ring{buf: make([]byte, budget), headSeq: 1, nextSeq: 1, now: time.Now, level: slog.LevelInfo, name: "pyb", loc: time.Local,
		copyQueue: DefaultCopyQueue, levels: newLevels()}
	for _, o := range opts {
		o(r)
	}
	for i := range r.copies {
		c := &r.copies[i]
		if q, ok := c.w.(*QueueWriter); ok {
			c.q = q
		} else {
			c.q = NewQueueWriter(c.w, r.copyQueue)
		}
	}
	return r
}

// Stats describes a Ring's content and accounting.
type Stats struct {
	Budget      int    // the arena size in bytes
	Used        int    // bytes held by live lines, 16-byte headers included
	Lines       int    // live lines
	FirstSeq    uint64 // sequence number of the oldest live line
	NextSeq     uint64 // sequence number the next line will get
	Evicted     uint64 // lines evicted to make room
	Truncated   uint64 // lines cut to fit the budget
	Suppressed  uint64 // lines dropped by the rate limit
	CopyErrors  uint64 // failed writes to the WithCopy writers
	CopyDropped uint64 // lines not copied to a WithCopy writer: its queue was full
}

// Stats returns the ring's accounting.
func (r *Ring) Stats() Stats {
	var qs QueueStats
	for _, c := range r.copies {
		s := c.q.Stats()
		qs.Errors += s.Errors
		qs.Dropped += s.Dropped
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return Stats{
		Budget: len(r.buf), Used: r.used, Lines: r.count,
		FirstSeq: r.headSeq, NextSeq: r.nextSeq,
		Evicted: r.evicted, Truncated: r.truncated, Suppressed: r.suppressed,
		CopyErrors: qs.Errors, CopyDropped: qs.Dropped,
	}
}

// maxText is the longest line text a record can hold.
func (r *Ring) maxText() int { return len(r.buf) - hdrSize }

// wrapAt reports whether a record position pos really means offset 0: too
// little room for a length field, or a wrap mark.
func (r *Ring) wrapAt(pos int) bool {
	return len(r.buf)-pos < 4 || binary.LittleEndian.Uint32(r.buf[pos:]) == wrapMark
}

// recLen returns the total size of the record at pos.
func (r *Ring) recLen(pos int) int {
	return hdrSize + int(binary.LittleEndian.Uint32(r.buf[pos:]))
}

// evictLocked drops the oldest record.
func (r *Ring) evictLocked() {
	n := r.recLen(r.head)
	r.head += n
	r.used -= n
	r.count--
	r.headSeq++
	r.evicted++
	if r.count == 0 {
		r.head = r.tail
	} else if r.wrapAt(r.head) {
		r.head = 0
	}
}

// appendLocked stores one line. text must already be escaped; it is cut
// with TruncMarker when longer than the budget allows. taskLen 0 means no task.
func (r *Ring) appendLocked(ts int64, level slog.Level, taskOff, taskLen int, text []byte) {
	cut, marker := cutLen(text, r.maxText())
	if marker {
		text = text[:cut]
		r.truncated++
		if taskOff+taskLen > cut {
			taskLen = 0
		}
	}
	r.place(ts, level, taskOff, taskLen, text, marker)
}

// cutLen returns how much of text a record of at most max text bytes keeps,
// and whether TruncMarker must follow it: a longer text is cut at a
// character boundary, leaving room for the marker.
func cutLen(text []byte, max int) (n int, marker bool) {
	if len(text) <= max {
		return len(text), false
	}
	cut := max - len(TruncMarker)
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return cut, true
}

// appendCopy appends line as the ring stores it (cut with TruncMarker when
// too long) and a newline: the form written to the WithCopy writer.
func (r *Ring) appendCopy(dst, line []byte) []byte {
	n, marker := cutLen(line, r.maxText())
	dst = append(dst, line[:n]...)
	if marker {
		dst = append(dst, TruncMarker...)
	}
	return append(dst, '\n')
}

// place finds room for a record of len(text) (+ marker) bytes and writes it.
func (r *Ring) place(ts int64, level slog.Level, taskOff, taskLen int, text []byte, marker bool) {
	tl := len(text)
	if marker {
		tl += len(TruncMarker)
	}
	need := hdrSize + tl
	for {
		if r.count == 0 || r.tail > r.head {
			// Live data is [head, tail): free space is [tail, end) then [0, head).
			if len(r.buf)-r.tail >= need {
				break
			}
			if len(r.buf)-r.tail >= 4 {
				binary.LittleEndian.PutUint32(r.buf[r.tail:], wrapMark)
			}
			if r.count == 0 {
				r.head = 0
			} else {
				r.wrapEnd = r.tail
			}
			r.tail = 0
			continue
		}
		// Wrapped: live data is [head, mark) and [0, tail); free is [tail, head).
		if r.head-r.tail >= need {
			break
		}
		r.evictLocked()
	}
	if taskLen > maxTask || taskOff > 0xFFFF || taskOff+taskLen > len(text) {
		taskOff, taskLen = 0, 0
	}
	if level < -128 {
		level = -128
	} else if level > 127 {
		level = 127
	}
	h := r.buf[r.tail:]
	binary.LittleEndian.PutUint32(h, uint32(tl))
	binary.LittleEndian.PutUint64(h[4:], uint64(ts))
	h[12] = byte(int8(level))
	h[13] = byte(taskLen)
	binary.LittleEndian.PutUint16(h[14:], uint16(taskOff))
	n := copy(h[hdrSize:], text)
	if marker {
		copy(h[hdrSize+n:], TruncMarker)
	}
	r.tail += need
	r.used += need
	r.count++
	r.nextSeq++
	if r.notify != nil {
		close(r.notify)
		r.notify = nil
	}
}
