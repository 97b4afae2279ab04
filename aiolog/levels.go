package aiolog

import (
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Levels holds the minimum level of each task, changeable while the
// program runs. Every Ring has one (Ring.Levels); its handlers (unless
// HandlerOptions.Level fixes theirs) and its TaskLoggers drop a line below
// the level of the line's task.
//
// A task's level is found in this order: an entry set for a name or
// pattern that matches the task's name (the one set last wins); else the
// same for its parent, the name without its last dotted part (so that
// "hello.service.child" inherits the level of "hello.service" unless it
// has one of its own); else the default (SetDefault, INFO unless set). A
// pattern is a name in which '*' stands for any text.
//
// The check is cheap: a handler made for one task (slog.Logger.With(TaskKey,
// name), aioctl.Logger) and a TaskLogger keep a cell holding their task's
// level, which Set updates, so that a line below the level costs one atomic
// load and no allocation.
type Levels struct {
	mu      sync.RWMutex
	def     atomic.Int64          // the default level; written under mu
	entries []levelEntry          // in the order set, oldest first
	cells   map[string]*levelCell // per task name, for loggers made for one task
	min     atomic.Int64          // lowest level any task can have
	nEnt    atomic.Int32          // len(entries)
}

type levelEntry struct {
	pattern string
	glob    *glob // nil: an exact name
	level   slog.Level
}

// levelCell is one task's effective level, kept up to date by Levels.
type levelCell struct{ v atomic.Int64 }

func (c *levelCell) level() slog.Level { return slog.Level(c.v.Load()) }

// MaxLevelEntries bounds the names and patterns a Levels holds (Set
// refuses more), and maxCells the task cells it keeps up to date; a task
// beyond them is looked up on each line instead.
const (
	MaxLevelEntries = 1024
	maxCells        = 4096
)

// ErrTooManyLevels is what Set returns (errors.Is) when MaxLevelEntries
// names and patterns are set already.
var ErrTooManyLevels = errors.New("too many log level entries")

func newLevels() *Levels {
	l := &Levels{cells: make(map[string]*levelCell)}
	l.def.Store(int64(slog.LevelInfo))
	l.min.Store(int64(slog.LevelInfo))
	return l
}

// Levels returns the ring's task levels.
func (r *Ring) Levels() *Levels { return r.levels }

// Default returns the level of a task that no entry names.
func (l *Levels) Default() slog.Level { return slog.Level(l.def.Load()) }

// SetDefault sets the level of the tasks that no entry names (the
// program's choice; INFO unless set).
func (l *Levels) SetDefault(level slog.Level) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.def.Store(int64(level))
	l.updateLocked()
}

// Set sets the level of the task named pattern, or of every task matching
// it when it holds '*', replacing an earlier entry of the same pattern;
// the change applies from the next line on. Tasks whose names extend a
// matched name with dotted parts inherit it unless they have their own.
func (l *Levels) Set(pattern string, level slog.Level) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.removeLocked(pattern)
	if len(l.entries) >= MaxLevelEntries {
		return ErrTooManyLevels
	}
	e := levelEntry{pattern: pattern, level: level}
	if strings.IndexByte(pattern, '*') >= 0 {
		e.glob = newGlob(pattern, false)
	}
	l.entries = append(l.entries, e)
	l.updateLocked()
	return nil
}

// Unset removes the entry set for pattern, reporting whether there was one;
// the tasks it named take their parent's level or the default again.
func (l *Levels) Unset(pattern string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ok := l.removeLocked(pattern)
	l.updateLocked()
	return ok
}

func (l *Levels) removeLocked(pattern string) bool {
	for i, e := range l.entries {
		if e.pattern == pattern {
			l.entries = append(l.entries[:i], l.entries[i+1:]...)
			return true
		}
	}
	return false
}

// updateLocked recomputes every cell and the minimum.
func (l *Levels) updateLocked() {
	l.nEnt.Store(int32(len(l.entries)))
	min := l.Default()
	for _, e := range l.entries {
		if e.level < min {
			min = e.level
		}
	}
	l.min.Store(int64(min))
	for name, c := range l.cells {
		lv, _ := l.lookupLocked(name)
		c.v.Store(int64(lv))
	}
}

// LevelSource says where a task's level comes from: Pattern is the entry
// that set it ("" for the default), Inherited that the entry names a
// parent of the task.
type LevelSource struct {
	Pattern   string
	Inherited bool
}

// Lookup returns the level of the task named name and where it comes from.
func (l *Levels) Lookup(name string) (slog.Level, LevelSource) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.lookupLocked(name)
}

func (l *Levels) lookupLocked(name string) (slog.Level, LevelSource) {
	for n, inherited := name, false; ; inherited = true {
		for i := len(l.entries) - 1; i >= 0; i-- {
			e := &l.entries[i]
			if e.pattern == n || (e.glob != nil && e.glob.match([]byte(n))) {
				return e.level, LevelSource{Pattern: e.pattern, Inherited: inherited}
			}
		}
		dot := strings.LastIndexByte(n, '.')
		if dot < 0 {
			return l.Default(), LevelSource{}
		}
		n = n[:dot]
	}
}

// level returns name's level, for a line whose task is not known in advance.
func (l *Levels) level(name string) slog.Level {
	if l.nEnt.Load() == 0 {
		return l.Default()
	}
	lv, _ := l.Lookup(name)
	return lv
}

// cell returns the cell of task name, or nil when maxCells are taken.
func (l *Levels) cell(name string) *levelCell {
	l.mu.RLock()
	c := l.cells[name]
	l.mu.RUnlock()
	if c != nil {
		return c
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c = l.cells[name]; c != nil {
		return c
	}
	if len(l.cells) >= maxCells {
		return nil
	}
	c = new(levelCell)
	lv, _ := l.lookupLocked(name)
	c.v.Store(int64(lv))
	l.cells[name] = c
	return c
}

// Entries returns the names and patterns set, with their levels, in the
// order they were set.
func (l *Levels) Entries() []LevelEntry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]LevelEntry, len(l.entries))
	for i, e := range l.entries {
		out[i] = LevelEntry{Pattern: e.pattern, Level: e.level}
	}
	return out
}

// LevelEntry is a name or pattern set in a Levels and its level.
type LevelEntry struct {
	Pattern string
	Level   slog.Level
}

// Known returns the names of the tasks that have made a logger (sorted):
// the tasks whose levels a "log level" listing shows besides a program's
// own list.
func (l *Levels) Known() []string {
	l.mu.RLock()
	out := make([]string, 0, len(l.cells))
	for n := range l.cells {
		out = append(out, n)
	}
	l.mu.RUnlock()
	sort.Strings(out)
	return out
}

// MatchPattern reports whether the task name matches pattern as Set reads
// it: equal, or, when pattern holds '*', matching it with '*' standing for
// any text.
func MatchPattern(pattern, name string) bool {
	if strings.IndexByte(pattern, '*') < 0 {
		return pattern == name
	}
	return newGlob(pattern, false).match([]byte(name))
}

// minLevel is the lowest level any task can have: below it a line is
// dropped whatever its task.
func (l *Levels) minLevel() slog.Level { return slog.Level(l.min.Load()) }
