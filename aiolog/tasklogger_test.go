package aiolog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestTaskLoggerLikeHandler checks that the direct API stores the very line
// slog.Logger + Handler stores, in text and JSON, with the task found by
// queries.
func TestTaskLoggerLikeHandler(t *testing.T) {
	for _, js := range []bool{false, true} {
		r := New(8192, WithClock(func() time.Time { return t0 }), WithLocation(time.UTC))
		h := r.Handler(&HandlerOptions{JSON: js})
		base := h.WithAttrs([]slog.Attr{slog.String("board", "pyb v1")}).(*Handler)
		attrs := []slog.Attr{slog.Int("led", 3), slog.Bool("on", true), slog.String("s", "a b"),
			slog.Duration("took", 1500*time.Millisecond), slog.Group("g", slog.Group("sub", slog.Float64("v", 3.3)))}
		slog.New(base).LogAttrs(context.Background(), slog.LevelWarn, "LED\x1b toggled", append([]slog.Attr{slog.String(TaskKey, "hello_task")}, attrs...)...)
		base.TaskLogger("hello_task").Warn("LED\x1b toggled", attrs...)
		lines, _ := r.Lines(Query{Task: "hello_task"})
		if len(lines) != 2 || lines[0].Text != lines[1].Text || lines[0].Level != lines[1].Level {
			t.Fatalf("json=%v: slog and direct differ:\n%+v", js, lines)
		}
		if !js && lines[1].Text != `2015-01-01 00:00:19 [pyb] [WARN] [hello_task] LED\x1b toggled board="pyb v1" led=3 on=true s="a b" took=1.5s g.sub.v=3.3` {
			t.Fatalf("got %q", lines[1].Text)
		}
	}
}

// TestTaskLoggerZeroAllocs checks the promise of the direct API: no
// allocation for a stored line, nor for one below the level.
func TestTaskLoggerZeroAllocs(t *testing.T) {
	log := New(64 << 10).TaskLogger("hello_task")
	allocs := testing.AllocsPerRun(200, func() {
		log.Info("LED toggled", slog.Int("led", 3), slog.Bool("on", true), slog.String("s", "x"),
			slog.Duration("d", time.Second), slog.Time("at", t0))
		log.Debug("below", slog.Int("led", 3))
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per call", allocs)
	}
}

// TestTaskLevelsLive checks that a level set for a task applies from its next
// line on, through the direct API, a slog logger made for the task and a
// record naming its task, and that children inherit unless set.
func TestTaskLevelsLive(t *testing.T) {
	r := New(8192)
	lv := r.Levels()
	direct := r.TaskLogger("hello.service")
	viaWith := slog.New(r.Handler(nil)).With(TaskKey, "hello.service")
	child := r.TaskLogger("hello.service.child")
	other := r.TaskLogger("world.service")
	plain := slog.New(r.Handler(nil))
	logAll := func(tag string) {
		direct.Debug(tag + "direct")
		viaWith.Debug(tag + "with")
		plain.Debug(tag+"record", TaskKey, "hello.service")
		child.Debug(tag + "child")
		other.Debug(tag + "other")
	}
	logAll("a")
	if err := lv.Set("hello.service", slog.LevelDebug); err != nil {
		t.Fatal(err)
	}
	logAll("b")
	if err := lv.Set("hello.service.child", slog.LevelWarn); err != nil {
		t.Fatal(err)
	}
	logAll("c")
	lv.Set("*.service", slog.LevelDebug) // the child keeps its own entry
	logAll("d")
	lv.Set("*", slog.LevelDebug) // set last, matches the child itself: wins
	logAll("e")
	var got []string
	all, _ := r.Lines(Query{})
	for _, l := range all {
		got = append(got, l.Text[strings.LastIndexByte(l.Text, ' ')+1:])
	}
	want := "bdirect bwith brecord bchild cdirect cwith crecord ddirect dwith drecord dother edirect ewith erecord echild eother"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if l, src := lv.Lookup("hello.service.child.x"); l != slog.LevelDebug || src.Pattern != "*" || src.Inherited {
		t.Fatalf("lookup: %v %+v", l, src)
	}
	lv.Unset("*")
	if l, src := lv.Lookup("hello.service.child.x"); l != slog.LevelWarn || src.Pattern != "hello.service.child" || !src.Inherited {
		t.Fatalf("lookup inherited: %v %+v", l, src)
	}
	if l, src := lv.Lookup("nothing"); l != slog.LevelInfo || src.Pattern != "" {
		t.Fatalf("lookup default: %v %+v", l, src)
	}
}

// TestFixedLevelIgnoresTaskLevels keeps HandlerOptions.Level's meaning.
func TestFixedLevelIgnoresTaskLevels(t *testing.T) {
	r := New(4096)
	r.Levels().Set("t", slog.LevelDebug)
	h := r.Handler(&HandlerOptions{Level: slog.LevelWarn})
	h.TaskLogger("t").Info("dropped")
	slog.New(h).Info("dropped too", TaskKey, "t")
	if n := r.Stats().Lines; n != 0 {
		t.Fatalf("%d lines stored", n)
	}
}

func TestLevelsBounded(t *testing.T) {
	lv := New(4096).Levels()
	for i := 0; i < MaxLevelEntries; i++ {
		if err := lv.Set(strings.Repeat("x", i+1), slog.LevelDebug); err != nil {
			t.Fatal(err)
		}
	}
	if err := lv.Set("one-more", slog.LevelDebug); !errors.Is(err, ErrTooManyLevels) {
		t.Fatalf("got %v", err)
	}
	if err := lv.Set("x", slog.LevelWarn); err != nil { // replacing is fine
		t.Fatal(err)
	}
}
