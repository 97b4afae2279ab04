package aiolog

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"
)

// LevelCrit is the CRIT level, above slog.LevelError.
const LevelCrit = slog.LevelError + 4

// levelNames are the level words of the line format, lowest first; the
// slog levels they stand for are levelValues.
var (
	levelNames  = [...]string{"DEBUG", "INFO", "WARN", "ERROR", "CRIT"}
	levelValues = [...]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, LevelCrit}
)

// LevelName returns the name the handler prints for l: DEBUG below INFO,
// INFO below WARN, WARN below ERROR, ERROR below CRIT, else CRIT. Unlike
// slog.Level.String it never prints an offset ("ERROR+4"): a line shows
// one of five words, which ParseLevel reads back.
func LevelName(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return levelNames[0]
	case l < slog.LevelWarn:
		return levelNames[1]
	case l < slog.LevelError:
		return levelNames[2]
	case l < LevelCrit:
		return levelNames[3]
	}
	return levelNames[4]
}

// ErrBadLevel is what ParseLevel's errors match (errors.Is) for a word that
// names no level.
var ErrBadLevel = errors.New("unknown level")

// ParseLevel returns the level a word names: DEBUG, INFO, WARN, ERROR or
// CRIT, in any case, and the longer WARNING and CRITICAL. It is the inverse
// of LevelName, and what a log query's minimum level (--level warn) reads.
// Any other word gives an error matching ErrBadLevel that quotes the word
// and lists the choices:
//
//	unknown level "loud": want one of DEBUG, INFO, WARN, ERROR, CRIT
func ParseLevel(s string) (slog.Level, error) {
	for i, name := range levelNames {
		if strings.EqualFold(s, name) {
			return levelValues[i], nil
		}
	}
	switch {
	case strings.EqualFold(s, "WARNING"):
		return slog.LevelWarn, nil
	case strings.EqualFold(s, "CRITICAL"):
		return LevelCrit, nil
	}
	return 0, &levelError{word: s}
}

// levelError is ParseLevel's error; it keeps the word so that the message
// can quote it, bounded so that hostile input cannot flood a terminal.
type levelError struct{ word string }

func (e *levelError) Error() string {
	w := e.word
	if len(w) > 40 {
		w = w[:40] + "..."
	}
	return ErrBadLevel.Error() + " " + strconv.Quote(w) + ": want one of " + strings.Join(levelNames[:], ", ")
}

func (e *levelError) Unwrap() error { return ErrBadLevel }
