package aiolog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The same call, one message and three attributes (the task among them),
// through each logger, serial and parallel (-cpu sets the goroutines).
// Every logger formats each line: aiolog into its RAM ring, the others into
// io.Discard.

const msg = "LED toggled"

// BenchmarkAiologDirect is the direct API: a TaskLogger made once per task.
func BenchmarkAiologDirect(b *testing.B) {
	log := aiolog.New(1 << 20).TaskLogger("hello_task")
	b.ReportAllocs()
	for b.Loop() {
		log.Info(msg, slog.Int("led", 3), slog.Bool("on", true))
	}
}

func BenchmarkAiologDirectParallel(b *testing.B) {
	log := aiolog.New(1 << 20).TaskLogger("hello_task")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log.Info(msg, slog.Int("led", 3), slog.Bool("on", true))
		}
	})
}

// BenchmarkAiologDirectSuppressed is a debug call below the task's level.
func BenchmarkAiologDirectSuppressed(b *testing.B) {
	log := aiolog.New(1 << 20).TaskLogger("hello_task")
	b.ReportAllocs()
	for b.Loop() {
		log.Debug(msg, slog.Int("led", 3), slog.Bool("on", true))
	}
}

// BenchmarkAiologSlogSuppressed is the same call through slog.Logger.
func BenchmarkAiologSlogSuppressed(b *testing.B) {
	log := slog.New(aiolog.New(1<<20).Handler(nil)).With("task", "hello_task")
	b.ReportAllocs()
	for b.Loop() {
		log.Debug(msg, "led", 3, "on", true)
	}
}

// slogBench logs through a slog.Logger, serial or parallel.
func slogBench(b *testing.B, h slog.Handler, parallel bool) {
	log := slog.New(h)
	b.ReportAllocs()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				log.Info(msg, "task", "hello_task", "led", 3, "on", true)
			}
		})
		return
	}
	for b.Loop() {
		log.Info(msg, "task", "hello_task", "led", 3, "on", true)
	}
}

func BenchmarkAiolog(b *testing.B) { slogBench(b, aiolog.New(1<<20).Handler(nil), false) }
func BenchmarkAiologParallel(b *testing.B) {
	slogBench(b, aiolog.New(1<<20).Handler(nil), true)
}
func BenchmarkSlogTextDiscard(b *testing.B) {
	slogBench(b, slog.NewTextHandler(io.Discard, nil), false)
}
func BenchmarkSlogTextDiscardParallel(b *testing.B) {
	slogBench(b, slog.NewTextHandler(io.Discard, nil), true)
}
func BenchmarkSlogJSONDiscard(b *testing.B) {
	slogBench(b, slog.NewJSONHandler(io.Discard, nil), false)
}
func BenchmarkSlogJSONDiscardParallel(b *testing.B) {
	slogBench(b, slog.NewJSONHandler(io.Discard, nil), true)
}

// zerolog's usual form: a timestamped logger, fields chained per event.
func zerologger() zerolog.Logger {
	return zerolog.New(io.Discard).With().Timestamp().Logger()
}

func BenchmarkZerolog(b *testing.B) {
	log := zerologger()
	b.ReportAllocs()
	for b.Loop() {
		log.Info().Str("task", "hello_task").Int("led", 3).Bool("on", true).Msg(msg)
	}
}

func BenchmarkZerologParallel(b *testing.B) {
	log := zerologger()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log.Info().Str("task", "hello_task").Int("led", 3).Bool("on", true).Msg(msg)
		}
	})
}

// nopHandler shows what slog's Logger itself costs.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

func BenchmarkSlogNop(b *testing.B) { slogBench(b, nopHandler{}, false) }

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

func BenchmarkZapProductionParallel(b *testing.B) {
	log := zapProduction(false)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log.Info(msg, zap.String("task", "hello_task"), zap.Int("led", 3), zap.Bool("on", true))
		}
	})
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
