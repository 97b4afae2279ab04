//go:build !tinygo

package aiolog

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestErrorFileRotation(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "error.log")
	f, err := OpenRotatingFile(name, 200)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := New(4096, WithClock(func() time.Time { return t0 }), WithLocation(time.UTC), WithCopy(slog.LevelError, f))
	log := slog.New(r.Handler(nil))
	log.Info("not copied")
	log.Error("first failure", TaskKey, "db")                  // 63 bytes with newline
	log.Log(context.Background(), LevelCrit, "second", "n", 2) // 48
	log.Warn("not copied either")
	log.Error("third failure", TaskKey, "db")  // 63: 174 so far
	log.Error("fourth failure", TaskKey, "db") // rotates
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(name + ".1")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	wantOld := "2015-01-01 00:00:19 [pyb] [ERROR] [db] first failure\n" +
		"2015-01-01 00:00:19 [pyb] [CRIT] second n=2\n" +
		"2015-01-01 00:00:19 [pyb] [ERROR] [db] third failure\n"
	if string(old) != wantOld || string(cur) != "2015-01-01 00:00:19 [pyb] [ERROR] [db] fourth failure\n" {
		t.Fatalf("error.log.1:\n%serror.log:\n%s", old, cur)
	}
	// Reopening appends; the size limit still counts the existing bytes.
	f.Close()
	f2, err := OpenRotatingFile(name, 200)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	f2.Write([]byte(strings.Repeat("x", 150) + "\n"))
	if b, _ := os.ReadFile(name + ".1"); string(b) != string(cur) {
		t.Fatalf("second rotation: %q", b)
	}
	if st := r.Stats(); st.CopyErrors != 0 {
		t.Fatalf("copy errors %d", st.CopyErrors)
	}
}

func TestCopyErrorsCounted(t *testing.T) {
	f, err := OpenRotatingFile(filepath.Join(t.TempDir(), "missing", "error.log"), 100)
	if err == nil {
		f.Close()
		t.Fatal("opened a file in a missing directory")
	}
	r := New(1024, WithCopy(slog.LevelInfo, failWriter{}))
	r.Write([]byte("x"))
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r.Stats().CopyErrors != 1 {
		t.Fatal("copy error not counted")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

// TestRotationFailureKeepsLines checks that when error.log cannot be renamed
// (here error.log.1 is a non-empty directory), the lines are still written
// to error.log and the failure is reported, rather than every later line
// being lost.
func TestRotationFailureKeepsLines(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "error.log")
	if err := os.MkdirAll(filepath.Join(name+".1", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRotatingFile(name, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := New(1024, WithCopy(slog.LevelError, f))
	log := slog.New(r.Handler(nil))
	for _, m := range []string{"one", "two", "three"} {
		log.Error(m)
	}
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(b), "\n"); got != 3 || !strings.HasSuffix(string(b), "[ERROR] three\n") {
		t.Fatalf("error.log holds %d lines:\n%s", got, b)
	}
	if st := r.Stats(); st.CopyErrors != 2 {
		t.Fatalf("copy errors %d, want 2 (two failed rotations)", st.CopyErrors)
	}
}

// TestCopyTruncatedLikeRing checks that a line cut to fit the ring reaches
// the WithCopy writer cut the same way, with the marker, never in the middle
// of a character.
func TestCopyTruncatedLikeRing(t *testing.T) {
	var copied strings.Builder
	r := New(MinBudget, WithCopy(slog.LevelError, &copied))
	slog.New(r.Handler(nil)).Error(strings.Repeat("é", 300))
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := texts(t, r, Query{})
	if len(got) != 1 || !strings.HasSuffix(got[0], TruncMarker) {
		t.Fatalf("ring holds %q", got)
	}
	if copied.String() != got[0]+"\n" {
		t.Fatalf("copied %q\nring   %q", copied.String(), got[0])
	}
}

// TestErrorLogTailAcrossRotationAndRestart: the file rotates at its size
// keeping exactly one old file, and Tail reads both, also from a new
// RotatingFile on the same name (a restarted program), lines the ring
// evicted long ago included.
func TestErrorLogTailAcrossRotationAndRestart(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "error.log")
	f := NewRotatingFile(name, 120)
	var echo strings.Builder
	q := NewQueueWriter(&lockedBuilder{b: &echo}, 0)
	r := New(MinBudget, WithClock(func() time.Time { return t0 }), WithLocation(time.UTC),
		WithCopy(slog.LevelInfo, q), WithCopy(slog.LevelError, f))
	log := r.TaskLogger("db")
	for i := range 10 {
		log.Info("fine")
		log.Error("failure", slog.Int("n", i))
	}
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := strings.Count(echo.String(), "\n"); got != 20 {
		t.Fatalf("the INFO copy has %d lines, want 20", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("files: %v, want error.log and error.log.1", entries)
	}
	f2 := NewRotatingFile(name, 120) // the program again
	lines, err := f2.Tail(3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2015-01-01 00:00:19 [pyb] [ERROR] [db] failure n=7",
		"2015-01-01 00:00:19 [pyb] [ERROR] [db] failure n=8",
		"2015-01-01 00:00:19 [pyb] [ERROR] [db] failure n=9",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("tail:\n%s", strings.Join(lines, "\n"))
	}
	if all, _ := f2.Tail(0); len(all) < 3 || strings.Contains(strings.Join(all, "\n"), "fine") {
		t.Fatalf("all: %q", all)
	}
	if in, _ := r.Lines(Query{Grep: "n=0"}); len(in) != 0 {
		t.Fatalf("the ring still has the first failure: the test shows nothing")
	}
	if none, err := NewRotatingFile(filepath.Join(dir, "nothing.log"), 0).Tail(5); err != nil || len(none) != 0 {
		t.Fatalf("missing file: %q %v", none, err)
	}
}

// lockedBuilder is a strings.Builder safe for the copy queue's goroutine.
type lockedBuilder struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// A file removed or renamed under the program (a user cleaning up,
// logrotate) is opened afresh at the next write: lines do not go on into
// an unlinked file that errlog (Tail) cannot see.
func TestRotatingFileReopensWhenRemovedOrRenamed(t *testing.T) {
	name := filepath.Join(t.TempDir(), "error.log")
	f, err := OpenRotatingFile(name, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("before\n")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("after remove\n")); err != nil {
		t.Fatal(err)
	}
	if lines, err := f.Tail(0); err != nil || strings.Join(lines, "|") != "after remove" {
		t.Fatalf("after a remove: %q %v", lines, err)
	}
	if err := os.Rename(name, name+".old"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("after rename\n")); err != nil {
		t.Fatal(err)
	}
	if lines, err := f.Tail(0); err != nil || strings.Join(lines, "|") != "after rename" {
		t.Fatalf("after a rename: %q %v", lines, err)
	}
}
