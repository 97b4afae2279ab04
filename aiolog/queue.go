package aiolog

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"strconv"
	"sync"
)

// QueueWriter passes what is written to it on to another writer without
// ever making the writer wait: each Write is copied into a queue of a fixed
// number of bytes, allocated once, that a goroutine of its own empties into
// the writer, one Write call per Write call, in order. A Write that does not
// fit in the queue (the writer is slow, or blocked: a terminal on pause, a
// pipe nobody reads) is dropped whole and its lines counted, and once the
// writer takes lines again a notice "-- N lines not echoed --" goes where
// they were. Failed writes are counted and the queue goes on (a writer that
// fails for good just fails fast).
//
// The goroutine runs only while the queue holds something, so an idle
// QueueWriter holds none. With a size of 0 there is no queue: Write writes
// in the caller's goroutine (serialised), as TinyGo builds do by default.
// A QueueWriter is safe for concurrent use; create it with NewQueueWriter.
type QueueWriter struct {
	w io.Writer

	mu      sync.Mutex
	buf     []byte // records: a 4-byte length, then the bytes
	head    int    // offset of the oldest record
	tail    int    // offset where the next record goes
	used    int    // bytes in records, headers included
	wrapEnd int    // when wrapped (tail <= head, used > 0), end of the records before the wrap
	running bool   // the goroutine is emptying the queue
	idle    chan struct{}
	pending uint64 // lines dropped since the last notice

	dropped, errors uint64
	syncMu          sync.Mutex // serialises writes without a queue
}

// qhdr is the size of a queued record's length field.
const qhdr = 4

// minQueue is the smallest queue NewQueueWriter makes (besides 0).
const minQueue = 256

// NewQueueWriter returns a QueueWriter that writes to w through a queue of
// size bytes (raised to 256 bytes when smaller but not 0; 0: no queue).
func NewQueueWriter(w io.Writer, size int) *QueueWriter {
	q := &QueueWriter{w: w}
	if size > 0 {
		q.buf = make([]byte, max(size, minQueue))
	}
	return q
}

// Write queues p and returns len(p), nil, at once. p is dropped (and its
// lines counted) when the queue has no room for it.
func (q *QueueWriter) Write(p []byte) (int, error) {
	if q.buf == nil {
		q.syncMu.Lock()
		_, err := q.w.Write(p)
		q.syncMu.Unlock()
		if err != nil {
			q.mu.Lock()
			q.errors++
			q.mu.Unlock()
		}
		return len(p), nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending > 0 {
		// The notice goes first, where the lines went missing; if both do
		// not fit, this one is missing too.
		var a [48]byte
		note := appendNotice(a[:0], q.pending)
		if q.room() < 2*qhdr+len(note)+len(p) || !q.put(note) {
			q.drop(p)
			return len(p), nil
		}
		q.pending = 0
	}
	if !q.put(p) {
		q.drop(p)
	}
	// Also after a drop: an idle writer gets the notice at once (a record
	// larger than the queue never fits, however fast the writer).
	if !q.running {
		q.running = true
		go q.drain()
	}
	return len(p), nil
}

func appendNotice(b []byte, n uint64) []byte {
	b = append(b, "-- "...)
	b = strconv.AppendUint(b, n, 10)
	return append(b, " lines not echoed --\n"...)
}

// drop counts p's lines as dropped. Called with q.mu held.
func (q *QueueWriter) drop(p []byte) {
	n := uint64(bytes.Count(p, []byte{'\n'}))
	if n == 0 || p[len(p)-1] != '\n' {
		n++
	}
	q.pending += n
	q.dropped += n
}

// room returns a lower bound of the free bytes (the larger free region).
func (q *QueueWriter) room() int {
	if q.used == 0 {
		return len(q.buf)
	}
	if q.tail > q.head {
		return max(len(q.buf)-q.tail, q.head)
	}
	return q.head - q.tail
}

// put stores p as one record, in one piece, and reports whether it fit.
// Called with q.mu held.
func (q *QueueWriter) put(p []byte) bool {
	need := qhdr + len(p)
	switch {
	case q.used == 0:
		if need > len(q.buf) {
			return false
		}
		q.head, q.tail = 0, 0
	case q.tail > q.head: // free: [tail, end), then [0, head)
		if len(q.buf)-q.tail < need {
			if q.head < need {
				return false
			}
			q.wrapEnd, q.tail = q.tail, 0
		}
	default: // wrapped: free is [tail, head)
		if q.head-q.tail < need {
			return false
		}
	}
	binary.LittleEndian.PutUint32(q.buf[q.tail:], uint32(len(p)))
	copy(q.buf[q.tail+qhdr:], p)
	q.tail += need
	q.used += need
	return true
}

// drain writes the queued records in order until the queue is empty.
func (q *QueueWriter) drain() {
	q.mu.Lock()
	for {
		if q.used == 0 && q.pending > 0 {
			// The writer caught up after a loss: say so now, not with the
			// next line, which may be long in coming.
			var a [48]byte
			q.put(appendNotice(a[:0], q.pending))
			q.pending = 0
		}
		if q.used == 0 {
			q.running = false
			if q.idle != nil {
				close(q.idle)
				q.idle = nil
			}
			q.mu.Unlock()
			return
		}
		n := int(binary.LittleEndian.Uint32(q.buf[q.head:]))
		rec := q.buf[q.head+qhdr : q.head+qhdr+n]
		// The record stays in the queue (its bytes are not reused) until
		// it is written: the lock is not held across the write.
		q.mu.Unlock()
		_, err := q.w.Write(rec)
		q.mu.Lock()
		if err != nil {
			q.errors++
		}
		q.head += qhdr + n
		q.used -= qhdr + n
		if q.used == 0 {
			q.head, q.tail = 0, 0
		} else if q.tail <= q.head && q.head == q.wrapEnd {
			q.head = 0
		}
	}
}

// Flush waits until everything written before it has been written to the
// underlying writer (or dropped), or ctx ends.
func (q *QueueWriter) Flush(ctx context.Context) error {
	if q.buf == nil {
		return nil
	}
	q.mu.Lock()
	if !q.running {
		q.mu.Unlock()
		return nil
	}
	if q.idle == nil {
		q.idle = make(chan struct{})
	}
	idle := q.idle
	q.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// QueueStats is a QueueWriter's accounting.
type QueueStats struct {
	Dropped uint64 // lines dropped for want of room in the queue
	Errors  uint64 // failed writes to the underlying writer
	Queued  int    // bytes waiting in the queue, record headers included
}

// Stats returns the QueueWriter's accounting.
func (q *QueueWriter) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueueStats{Dropped: q.dropped, Errors: q.errors, Queued: q.used}
}
