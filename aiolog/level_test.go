package aiolog

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestParseLevel(t *testing.T) {
	for _, c := range []struct {
		in   string
		want slog.Level
	}{
		{"DEBUG", slog.LevelDebug}, {"debug", slog.LevelDebug},
		{"INFO", slog.LevelInfo}, {"Info", slog.LevelInfo},
		{"WARN", slog.LevelWarn}, {"warning", slog.LevelWarn},
		{"ERROR", slog.LevelError}, {"error", slog.LevelError},
		{"CRIT", LevelCrit}, {"critical", LevelCrit},
	} {
		got, err := ParseLevel(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "loud", "INFO+1", " info"} {
		_, err := ParseLevel(bad)
		if !errors.Is(err, ErrBadLevel) {
			t.Errorf("ParseLevel(%q) error = %v, want ErrBadLevel", bad, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+bad+`"`) || !strings.Contains(msg, "DEBUG, INFO, WARN, ERROR, CRIT") {
			t.Errorf("ParseLevel(%q) error %q should name the word and the choices", bad, msg)
		}
	}
}

// Every level name the handler prints parses back to a level with that name.
func TestLevelNameRoundTrip(t *testing.T) {
	for l := slog.Level(-12); l <= LevelCrit+4; l++ {
		name := LevelName(l)
		back, err := ParseLevel(name)
		if err != nil || LevelName(back) != name {
			t.Errorf("ParseLevel(LevelName(%v) = %q) = %v, %v", l, name, back, err)
		}
	}
}
