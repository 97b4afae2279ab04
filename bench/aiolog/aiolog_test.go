package aiolog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The same call, one message and three attributes, through each logger.

func BenchmarkAiolog(b *testing.B) {
	log := slog.New(aiolog.New(1 << 20).Handler(nil))
	b.ReportAllocs()
	for b.Loop() {
		log.Info("LED toggled", "task", "hello_task", "led", 3, "on", true)
	}
}

func BenchmarkAiologParallel(b *testing.B) {
	log := slog.New(aiolog.New(1 << 20).Handler(nil))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log.Info("LED toggled", "task", "hello_task", "led", 3, "on", true)
		}
	})
}

func BenchmarkSlogTextDiscard(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.ReportAllocs()
	for b.Loop() {
		log.Info("LED toggled", "task", "hello_task", "led", 3, "on", true)
	}
}

// nopHandler shows what slog's Logger itself costs.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

func BenchmarkSlogNop(b *testing.B) {
	log := slog.New(nopHandler{})
	b.ReportAllocs()
	for b.Loop() {
		log.Info("LED toggled", "task", "hello_task", "led", 3, "on", true)
	}
}

// zapProduction is zap.NewProduction's logger (JSON encoder, production
// encoder config, caller, stack traces on ERROR) writing to a discarding
// writer. Sampling is left out so that every call is encoded, as it is for
// the other loggers; BenchmarkZapProductionSampled keeps it.
func zapProduction(sampled bool) *zap.Logger {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
		zapcore.AddSync(io.Discard), zap.InfoLevel)
	if sampled {
		cfg := zap.NewProductionConfig()
		core = zapcore.NewSamplerWithOptions(core, 1e9, cfg.Sampling.Initial, cfg.Sampling.Thereafter)
	}
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zap.ErrorLevel), zap.ErrorOutput(zapcore.AddSync(io.Discard)))
}

func BenchmarkZapProduction(b *testing.B) {
	log := zapProduction(false)
	b.ReportAllocs()
	for b.Loop() {
		log.Info("LED toggled", zap.String("task", "hello_task"), zap.Int("led", 3), zap.Bool("on", true))
	}
}

func BenchmarkZapProductionSampled(b *testing.B) {
	log := zapProduction(true)
	b.ReportAllocs()
	for b.Loop() {
		log.Info("LED toggled", zap.String("task", "hello_task"), zap.Int("led", 3), zap.Bool("on", true))
	}
}

// The handlers alone: one prebuilt record (no caller PC) handed to Handle,
// which takes slog.Logger's own per-call cost (caller PC, time.Now, building
// the Record: see BenchmarkSlogNop) out of the comparison. For zap, the
// matching layer is the production JSON core's Write.

func handlerBench(b *testing.B, h slog.Handler) {
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "LED toggled", 0)
	rec.AddAttrs(slog.String("task", "hello_task"), slog.Int("led", 3), slog.Bool("on", true))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h.Handle(ctx, rec)
	}
}

func BenchmarkHandleOnlyAiolog(b *testing.B) { handlerBench(b, aiolog.New(1<<20).Handler(nil)) }

func BenchmarkHandleOnlySlogText(b *testing.B) {
	handlerBench(b, slog.NewTextHandler(io.Discard, nil))
}

func BenchmarkHandleOnlyZapCore(b *testing.B) {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()),
		zapcore.AddSync(io.Discard), zap.InfoLevel)
	ent := zapcore.Entry{Level: zap.InfoLevel, Time: time.Now(), Message: "LED toggled"}
	fields := []zap.Field{zap.String("task", "hello_task"), zap.Int("led", 3), zap.Bool("on", true)}
	b.ReportAllocs()
	for b.Loop() {
		core.Write(ent, fields)
	}
}
