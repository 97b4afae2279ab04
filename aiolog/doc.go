// Package aiolog is a log kept in RAM within a fixed byte budget, with the
// queries of a shell (cat, grep, tail -n, tail -F) and a log/slog handler
// that prints the seed's line format:
//
//	2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled!
//
// # The ring
//
// New(budget) allocates one byte arena of budget bytes. Every line is stored
// whole, as a 16-byte header (length, time stamp, level, position of the task
// name) followed by its text, so the budget covers the bookkeeping too; when
// a new line does not fit, the oldest lines are evicted. Memory therefore
// never grows with the number of lines written. Lines get consecutive
// sequence numbers, starting at 1. A line longer than the budget is cut and
// ends with TruncMarker. Concurrent writers never tear or interleave lines:
// each line is formatted in the writer's own buffer and copied in under a
// short lock.
//
// A Ring is an io.Writer (each Write call ends a line; NewWriter returns a
// writer that keeps partial lines), and Handler returns a slog.Handler:
//
//	ring := aiolog.New(256 << 10)
//	log := slog.New(ring.Handler(nil))
//	log.Info("LED 3 toggled!", aiolog.TaskKey, "hello_task")
//
// TaskLogger is the direct way, without slog.Logger's per-call costs (the
// caller's PC, ...any boxing, the Record), for code that logs a lot: made
// once per task, it formats as the handler does and allocates nothing.
//
//	log := ring.TaskLogger("hello_task")
//	log.Info("LED toggled", slog.Int("led", 3))
//
// Each task has a level, changeable while the program runs (Ring.Levels:
// a default, and levels set by name or '*' pattern; NAME.CHILD inherits
// NAME's unless set). A line below its task's level costs one atomic load
// in a TaskLogger or a handler made for the task (slog.Logger.With(TaskKey,
// name)), and nothing is formatted.
//
// The level words of a line are DEBUG, INFO, WARN, ERROR and CRIT
// (LevelCrit, above slog.LevelError): LevelName prints them and ParseLevel
// reads them back, in any case.
//
// Lines are escaped for the terminal when they are stored (see Escape):
// control characters, escape sequences, NUL and invalid UTF-8 never reach a
// reader raw.
//
// # Queries
//
// A Query selects lines by pattern (substring, '*' glob over the whole line,
// or regular expression, with smart case: an all-lower-case pattern ignores
// case), task, minimum level and time, and may keep only the last N:
//
//	ring.Cat(os.Stdout, aiolog.Query{Grep: "toggled", Task: "hello_task", Tail: 10})
//
// Smart case folds all of Unicode as a regular expression's (?i) does:
// "ünïcode" finds "ÜNÏCODE", "k" in a non-ASCII pattern the Kelvin sign.
// The build tag aiotools_noregexp leaves package regexp out (for a
// microcontroller: ~68 KB of flash, ~38 KB of RAM with the Unicode tables
// it links); a Regexp query then fails with ErrNoRegexp, the other modes
// are unchanged.
//
// Follow delivers new lines as they are written (tail -F): the writer wakes
// waiting followers by closing a channel, never waits for them, and a
// follower that falls behind gets a "-- N lines lost --" notice with the
// exact count instead of a silent gap. Queries copy lines out in chunks, so a
// long grep delays writers by microseconds only, and callbacks run without
// any lock held.
//
// # Options
//
// WithRateLimit drops a task's lines beyond N per interval and then writes
// one "suppressed N lines" line; WithCopy, with OpenRotatingFile, keeps
// ERROR-and-above lines in error.log, rotated to error.log.1 at a size
// (RotatingFile.Tail reads both back). WithCopy may be given more than
// once, each writer at its own level.
// WithCopy's writer (error.log, or stdout for an echo) never holds up
// logging: copies go through a bounded QueueWriter emptied by a goroutine
// of its own, and the lines that find it full are dropped, counted
// (Stats.CopyDropped) and reported to the writer as "-- N lines not
// echoed --" once it takes lines again. TinyGo builds write copies in
// the logging goroutine unless WithCopyQueue says otherwise.
// A Line read back marshals to the log verb's JSON form
// ({"seq":…,"time":…,"level":"INFO","task":…,"text":…}, see Line).
//
// TaskLog(task, n) returns a task's last lines for aioctl's status.
//
// The package uses only the Go 1.23 standard library and, apart from
// OpenRotatingFile, no file system, so that it builds with TinyGo.
package aiolog
