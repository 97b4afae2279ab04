package aioctl

import (
	"context"
	"log/slog"
	"sync"
)

// recordHandler keeps "LEVEL msg k=v" lines for assertions.
type recordHandler struct {
	mu    sync.Mutex
	out   []string
	attrs []slog.Attr
}

func slogNew(h *recordHandler) *slog.Logger { return slog.New(h) }

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	for _, a := range h.attrs {
		line += " " + a.String()
	}
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	root := h.root()
	root.mu.Lock()
	root.out = append(root.out, line)
	root.mu.Unlock()
	return nil
}

func (h *recordHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &derived{parent: h.root(), attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *recordHandler) WithGroup(string) slog.Handler { return h }

func (h *recordHandler) root() *recordHandler { return h }

func (h *recordHandler) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.out...)
}

// derived is a recordHandler with attributes, writing to its root.
type derived struct {
	parent *recordHandler
	attrs  []slog.Attr
}

func (d *derived) Enabled(context.Context, slog.Level) bool { return true }
func (d *derived) Handle(ctx context.Context, r slog.Record) error {
	tmp := &recordHandler{attrs: d.attrs}
	line := r.Level.String() + " " + r.Message
	for _, a := range tmp.attrs {
		line += " " + a.String()
	}
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	d.parent.mu.Lock()
	d.parent.out = append(d.parent.out, line)
	d.parent.mu.Unlock()
	return nil
}
func (d *derived) WithAttrs(as []slog.Attr) slog.Handler {
	return &derived{parent: d.parent, attrs: append(append([]slog.Attr(nil), d.attrs...), as...)}
}
func (d *derived) WithGroup(string) slog.Handler { return d }
