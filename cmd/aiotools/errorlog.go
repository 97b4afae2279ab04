package main

// The error log of `aiotools run` and the demo: the ring's lines at
// --error-level and above copied to --error-log FILE, rotated to FILE.1 at
// --error-log-size bytes (aiolog.RotatingFile, as the seed's error.log),
// and printed by `aioctl errlog`. The copy goes through the ring's copy
// queue, so a slow, full or unwritable disk never holds up logging; a
// failure to write is reported once (until the file can be written again).

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// errorLogOff, as --error-log, keeps no error log.
const errorLogOff = "off"

// defaultErrorLogSize is --error-log-size's default: the size at which
// the file is rotated.
const defaultErrorLogSize = 256 << 10

// errorLogConfig is what the --error-log flags ask for.
type errorLogConfig struct {
	File  string // "" or "off": none
	Level slog.Level
	Size  int64
}

// errorLogFlags registers --error-log, --error-level and --error-log-size
// on fs; the returned function reads them once fs is parsed. def is the
// default file ("" for none); run's is resolved beside the config later.
func errorLogFlags(fs *flag.FlagSet, def, defHelp string) func() (errorLogConfig, error) {
	file := fs.String("error-log", def, "copy the lines at --error-level and above to this file, rotated to FILE.1 (aioctl errlog prints it; "+defHelp+"; off: none)")
	level := fs.String("error-level", "ERROR", "the lowest level copied to --error-log (DEBUG, INFO, WARN, ERROR or CRIT)")
	size := fs.Int64("error-log-size", defaultErrorLogSize, "bytes at which --error-log is rotated to FILE.1")
	return func() (errorLogConfig, error) {
		l, err := aiolog.ParseLevel(*level)
		if err != nil {
			return errorLogConfig{}, fmt.Errorf("--error-level: %w", err)
		}
		if *size <= 0 {
			return errorLogConfig{}, fmt.Errorf("--error-log-size: want a size in bytes above 0, got %d", *size)
		}
		return errorLogConfig{File: *file, Level: l, Size: *size}, nil
	}
}

// besideConfig is run's default error log: error.log in the config's directory.
func besideConfig(config string) string { return filepath.Join(filepath.Dir(config), "error.log") }

// errorLog is the writer the ring copies error lines to: the rotating
// file, with its first failure reported to out.
type errorLog struct {
	f      *aiolog.RotatingFile
	out    io.Writer
	failed atomic.Bool // reported; cleared by a write that works
}

// openErrorLog returns the error log cfg asks for and the ring options
// that feed it, or nothing when cfg asks for none. A file that cannot be
// opened is reported to out now, and the program runs on: each copied
// line tries it again, silently.
func openErrorLog(cfg errorLogConfig, out io.Writer) (*errorLog, []aiolog.Option) {
	if cfg.File == "" || cfg.File == errorLogOff {
		return nil, nil
	}
	e := &errorLog{f: aiolog.NewRotatingFile(cfg.File, cfg.Size), out: out}
	if f, err := aiolog.OpenRotatingFile(cfg.File, cfg.Size); err != nil {
		e.report(err)
	} else {
		e.f = f
	}
	return e, []aiolog.Option{aiolog.WithCopy(cfg.Level, e)}
}

// Write writes p to the file, reporting the first failure.
func (e *errorLog) Write(p []byte) (int, error) {
	n, err := e.f.Write(p)
	if err != nil {
		e.report(err)
		return n, err
	}
	e.failed.Store(false)
	return n, nil
}

func (e *errorLog) report(err error) {
	if e.failed.CompareAndSwap(false, true) {
		fmt.Fprintf(e.out, "aiotools: error log %s: %s: its lines are lost until it can be written (logging goes on; reported once)\n",
			termsafe.String(e.f.Name()), termsafe.Text(err.Error()))
	}
}

// file is what control's errlog reads (nil without an error log).
func (e *errorLog) file() *aiolog.RotatingFile {
	if e == nil {
		return nil
	}
	return e.f
}

// close writes the lines still queued in ring's copy queues (for a few
// seconds at most) and closes the file.
func (e *errorLog) close(ring *aiolog.Ring) {
	if e == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ring.FlushCopy(ctx)
	e.f.Close()
}
