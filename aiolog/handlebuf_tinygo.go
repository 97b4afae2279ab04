//go:build tinygo

package aiolog

import (
	"context"
	"log/slog"
)

// Handle formats rec and stores it in the ring. It never fails. Under TinyGo,
// whose goroutine stacks are small, the line is built in a pooled buffer.
func (h *Handler) Handle(_ context.Context, rec slog.Record) error {
	bp := getBuf()
	*bp = h.handle(rec, (*bp)[:0])
	putBuf(bp)
	return nil
}

// emit formats and stores one line of a TaskLogger in a pooled buffer.
func (l *TaskLogger) emit(level slog.Level, msg string, attrs []slog.Attr) {
	bp := getBuf()
	*bp = l.format((*bp)[:0], level, msg, attrs)
	putBuf(bp)
}
