//go:build !tinygo

package aiolog

import (
	"context"
	"log/slog"
)

// Handle formats rec and stores it in the ring. It never fails. The line is
// built in a buffer on the stack (a longer line moves to the heap).
func (h *Handler) Handle(_ context.Context, rec slog.Record) error {
	var a [512]byte
	h.handle(rec, a[:0])
	return nil
}

// emit formats and stores one line of a TaskLogger in a buffer on the stack.
func (l *TaskLogger) emit(level slog.Level, msg string, attrs []slog.Attr) {
	var a [512]byte
	l.format(a[:0], level, msg, attrs)
}
