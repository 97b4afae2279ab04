package main

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
)

// echoQueue is how many bytes of output `run` and `demo` hold for a slow
// stdout before they drop lines (and say how many once it takes them again).
const echoQueue = 256 << 10

// newEcho returns the writer `run` and `demo` print through: nothing they
// print (log lines, status, the shutdown messages) ever waits for stdout, a
// pipe into a program that does not read included, and a stdout whose
// reader is gone (EPIPE) ends the echo, not the program.
func newEcho(w io.Writer) *aiolog.QueueWriter {
	if q, ok := w.(*aiolog.QueueWriter); ok {
		return q
	}
	return aiolog.NewQueueWriter(&endingWriter{w: w}, echoQueue)
}

// flushEcho gives the echo a second to write what is queued before the
// program ends, without waiting longer for a stdout that does not take it.
func flushEcho(q *aiolog.QueueWriter) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = q.Flush(ctx)
}

// endingWriter writes to w until w's reader is gone (EPIPE, or w closed),
// then discards everything: no one is there to read it.
type endingWriter struct {
	w     io.Writer
	ended atomic.Bool
}

func (e *endingWriter) Write(p []byte) (int, error) {
	if e.ended.Load() {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
		e.ended.Store(true)
		return len(p), nil
	}
	return n, err
}
