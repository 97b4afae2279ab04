package aiolog

import (
	"bytes"
	"log/slog"
	"sync"
)

// bufPool holds the line buffers of writers and handlers. Buffers that grew
// past maxPooled are dropped rather than kept.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

const maxPooled = 64 << 10

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// writeLine stores one formatted, escaped line (without newline), applying
// the rate limit, then copies it to the WithCopy writer when its level asks
// for it. line does not escape.
func (r *Ring) writeLine(ts int64, level slog.Level, taskOff, taskLen int, line []byte) {
	r.mu.Lock()
	ok := true
	var pending []byte // "suppressed" lines to copy, stored before line
	if r.limit != nil {
		ok = r.limit.admit(r, ts, line[taskOff:taskOff+taskLen])
		pending, r.limit.pending = r.limit.pending, nil
	}
	if ok {
		r.appendLocked(ts, level, taskOff, taskLen, line)
	}
	r.mu.Unlock()
	if len(pending) > 0 {
		r.copyOut(slog.LevelWarn, pending)
	}
	if ok && r.copiesAt(level) {
		// Copied so that line, often on its writer's stack, does not escape.
		bp := getBuf()
		*bp = r.appendCopy((*bp)[:0], line)
		r.copyOut(level, *bp)
		putBuf(bp)
	}
}

// copiesAt reports whether a line at level goes to a WithCopy writer.
func (r *Ring) copiesAt(level slog.Level) bool {
	for i := range r.copies {
		if level >= r.copies[i].min {
			return true
		}
	}
	return false
}

// copyOut passes lines at level, each ending with a newline, to the queues
// of the WithCopy writers that take that level; a queue never blocks.
func (r *Ring) copyOut(level slog.Level, lines []byte) {
	for i := range r.copies {
		if level >= r.copies[i].min {
			r.copies[i].q.Write(lines)
		}
	}
}

// leadingTask returns the position of the name in a line starting with
// "[name]", and ok false when the line does not start that way.
func leadingTask(line []byte) (off, n int, ok bool) {
	if len(line) < 3 || line[0] != '[' {
		return 0, 0, false
	}
	end := bytes.IndexByte(line[1:], ']')
	if end <= 0 || end > maxTask {
		return 0, 0, false
	}
	return 1, end, true
}

// seedLine recognises a line already in the seed's format,
// "YYYY-MM-DD HH:MM:SS [name] [LEVEL] [task] message", and returns its level
// and the position of its task name (n == 0: no task bracket).
func seedLine(line []byte) (level slog.Level, off, n int, ok bool) {
	const stampLen = len("2015-01-01 00:00:19 ")
	if len(line) < stampLen+len("[] [INFO]") || line[4] != '-' || line[7] != '-' ||
		line[10] != ' ' || line[13] != ':' || line[16] != ':' || line[19] != ' ' || line[20] != '[' {
		return 0, 0, 0, false
	}
	end := bytes.IndexByte(line[21:], ']')
	if end < 0 {
		return 0, 0, 0, false
	}
	rest := line[21+end+1:]
	if len(rest) < 3 || rest[0] != ' ' || rest[1] != '[' {
		return 0, 0, 0, false
	}
	lend := bytes.IndexByte(rest[2:], ']')
	if lend < 0 {
		return 0, 0, 0, false
	}
	found := false
	for i, name := range levelNames {
		if string(rest[2:2+lend]) == name {
			level, found = slog.Level(i*4-4), true
		}
	}
	if !found {
		return 0, 0, 0, false
	}
	at := len(line) - len(rest) + 2 + lend + 1 // after the level bracket
	if at < len(line) && line[at] == ' ' {
		if o, tn, ok := leadingTask(line[at+1:]); ok {
			return level, at + 1 + o, tn, true
		}
	}
	return level, 0, 0, true
}

// Write stores p as lines: it is split at each '\n' (a trailing '\r' is
// dropped), and text after the last newline is stored as a line of its own,
// so every Write call ends a line (as log.Logger's one-Write-per-entry
// output expects). Use NewWriter to keep partial lines across calls. Each line
// is escaped for the terminal, stamped with the ring's clock and the level of
// WithWriteLevel (default INFO); a line that starts with "[name]" belongs to
// task name. A line already in the seed's format ("2015-01-01 00:00:19 [pyb]
// [WARN] [task] text") keeps its text and gets its level and task from it.
// Write never fails and never blocks on readers.
func (r *Ring) Write(p []byte) (int, error) {
	r.writeText(p, "", r.level, true)
	return len(p), nil
}

// writeText splits p into lines and stores them. A non-empty task is
// prefixed as "[task] ". When final is false, text after the last newline is
// not stored and its length is returned.
func (r *Ring) writeText(p []byte, task string, level slog.Level, final bool) (rest int) {
	bp := getBuf()
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if !final {
				break
			}
			i = len(p)
		}
		line := p[:i]
		if i < len(p) {
			p = p[i+1:]
		} else {
			p = p[i:]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > r.maxText() {
			// It will be cut anyway: escape no more than can be kept.
			line = line[:r.maxText()+1]
		}
		b := (*bp)[:0]
		off, n := 0, 0
		if task != "" {
			b = append(b, '[')
			b = appendEscaped(b, task)
			off, n = 1, len(b)-1
			b = append(b, ']', ' ')
			b = appendEscapedBytes(b, line)
		} else {
			b = appendEscapedBytes(b, line)
			off, n, _ = leadingTask(b)
		}
		lv := level
		if task == "" && n == 0 {
			if l, o, tn, ok := seedLine(b); ok {
				lv, off, n = l, o, tn
			}
		}
		r.writeLine(r.now().UnixNano(), lv, off, n, b)
		*bp = b
	}
	putBuf(bp)
	return len(p)
}

// LineWriter is an io.Writer that stores complete lines into a Ring under a
// task name and level, keeping a partial last line until its newline arrives
// (or Flush). Create it with Ring.NewWriter. It is safe for concurrent use.
type LineWriter struct {
	r     *Ring
	task  string
	level slog.Level
	mu    sync.Mutex
	part  []byte
}

// NewWriter returns a LineWriter that prefixes every line with "[task] "
// (unless task is empty) and stores it at the given level. Use it for a
// task's or a child process's output.
func (r *Ring) NewWriter(task string, level slog.Level) *LineWriter {
	return &LineWriter{r: r, task: task, level: level}
}

// Write stores every complete line of p; text after the last newline is
// kept until the next Write or Flush. A partial line longer than the ring's
// budget is stored (truncated) without waiting for its newline.
func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	if len(w.part) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.part = append(w.part, p...)
			if len(w.part) > w.r.maxText() {
				w.flushLocked()
			}
			return n, nil
		}
		w.part = append(w.part, p[:i+1]...)
		w.r.writeText(w.part, w.task, w.level, true)
		w.part = w.part[:0]
		p = p[i+1:]
	}
	rest := w.r.writeText(p, w.task, w.level, false)
	w.part = append(w.part, p[len(p)-rest:]...)
	if len(w.part) > w.r.maxText() {
		w.flushLocked()
	}
	return n, nil
}

// Flush stores a pending partial line, if any, as a line.
func (w *LineWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
	return nil
}

// Close flushes the pending partial line. The writer may still be used.
func (w *LineWriter) Close() error { return w.Flush() }

func (w *LineWriter) flushLocked() {
	if len(w.part) > 0 {
		w.r.writeText(w.part, w.task, w.level, true)
		w.part = w.part[:0]
	}
	if cap(w.part) > maxPooled {
		w.part = nil
	}
}
