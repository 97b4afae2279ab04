package aiolog

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)

// fixed returns a clock that starts at t0 and moves by step on each call.
func fixed(step time.Duration) func() time.Time {
	t := t0
	return func() time.Time { t = t.Add(step); return t.Add(-step) }
}

func texts(t *testing.T, r *Ring, q Query) []string {
	t.Helper()
	ls, err := r.Lines(q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.Text)
	}
	return out
}

func TestWriteAndCat(t *testing.T) {
	r := New(1024, WithClock(fixed(0)))
	fmt.Fprintf(r, "one\ntwo\r\n")
	fmt.Fprintf(r, "three")
	r.Write([]byte("[blink] four\n\nfive\n"))
	var buf bytes.Buffer
	if err := r.Cat(&buf, Query{}); err != nil {
		t.Fatal(err)
	}
	want := "one\ntwo\nthree\n[blink] four\n\nfive\n"
	if buf.String() != want {
		t.Fatalf("cat = %q, want %q", buf.String(), want)
	}
	ls, _ := r.Lines(Query{})
	for i, l := range ls {
		if l.Seq != uint64(i+1) {
			t.Errorf("line %d has seq %d", i, l.Seq)
		}
		if !l.Time.Equal(t0) || l.Level != slog.LevelInfo {
			t.Errorf("line %d: time %v level %v", i, l.Time, l.Level)
		}
	}
	if ls[3].Task != "blink" || ls[0].Task != "" {
		t.Errorf("tasks %q %q", ls[3].Task, ls[0].Task)
	}
}

func TestEvictionOrderAndSeq(t *testing.T) {
	r := New(MinBudget)
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(r, "line %04d", i)
	}
	ls, _ := r.Lines(Query{})
	if len(ls) == 0 {
		t.Fatal("empty ring")
	}
	st := r.Stats()
	if st.NextSeq != 1001 || ls[len(ls)-1].Seq != 1000 || ls[0].Seq != st.FirstSeq {
		t.Fatalf("stats %+v, first %d last %d", st, ls[0].Seq, ls[len(ls)-1].Seq)
	}
	for i, l := range ls {
		want := fmt.Sprintf("line %04d", l.Seq)
		if l.Text != want || (i > 0 && l.Seq != ls[i-1].Seq+1) {
			t.Fatalf("line %d = %d %q", i, l.Seq, l.Text)
		}
	}
	if st.Evicted != 1000-uint64(st.Lines) {
		t.Fatalf("evicted %d, lines %d", st.Evicted, st.Lines)
	}
}

// TestRandomModel writes lines of random sizes and checks the ring against
// a model: always a contiguous suffix of what was written, within budget,
// and never evicting much more than needed.
func TestRandomModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, budget := range []int{MinBudget, 1000, 4096} {
		r := New(budget)
		var all []string
		total := 0
		for total < 100*budget {
			n := 1 + rng.Intn(budget/3)
			if rng.Intn(50) == 0 {
				n = rng.Intn(2 * budget)
			}
			s := strings.Repeat(string(rune('a'+len(all)%26)), n)
			r.Write([]byte(s))
			if n > budget-hdrSize {
				s = s[:budget-hdrSize-len(TruncMarker)] + TruncMarker
			}
			all = append(all, s)
			total += n
			st := r.Stats()
			if st.Used > st.Budget || st.Budget != budget || len(r.buf) != budget {
				t.Fatalf("used %d of %d", st.Used, st.Budget)
			}
			if rng.Intn(20) != 0 {
				continue
			}
			got := texts(t, r, Query{})
			if len(got) != st.Lines || len(got) == 0 {
				t.Fatalf("%d lines, stats say %d", len(got), st.Lines)
			}
			want := all[len(all)-len(got):]
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("budget %d line %d: got %d bytes, want %d", budget, i, len(got[i]), len(want[i]))
				}
			}
			// The line evicted last would not have fitted with the rest:
			// it was evicted for a later record, with the space lost at the
			// wrap below the size of the record that wrapped, also a later
			// one; so Used + its size > budget - the largest later record.
			if len(got) < len(all) {
				prev := hdrSize + len(all[len(all)-len(got)-1])
				maxAfter := 0
				for _, s := range got {
					maxAfter = max(maxAfter, hdrSize+len(s))
				}
				if st.Used+prev <= budget-maxAfter {
					t.Fatalf("evicted too much: used %d, previous line %d, largest later %d, budget %d", st.Used, prev, maxAfter, budget)
				}
			}
		}
	}
}

func TestBudgetNeverExceeded(t *testing.T) {
	const budget = 64 << 10
	r := New(budget)
	h := slog.New(r.Handler(nil))
	written := 0
	for i := 0; written < 100*budget; i++ {
		h.Info("LED toggled", TaskKey, "blink", "n", i, "msg", strings.Repeat("x", i%300))
		written += 60 + i%300
		if i%1000 == 0 {
			if st := r.Stats(); st.Used > budget || st.Budget != budget {
				t.Fatalf("after %d bytes: %+v", written, st)
			}
		}
	}
	st := r.Stats()
	if st.Used > budget || st.Used < budget/2 || cap(r.buf) != budget {
		t.Fatalf("stats %+v, cap %d", st, cap(r.buf))
	}
}

func TestTruncation(t *testing.T) {
	r := New(MinBudget)
	long := strings.Repeat("é", 400) // 800 bytes, cut inside a rune
	r.Write([]byte("[t] " + long))
	got := texts(t, r, Query{})
	if len(got) != 1 || !strings.HasSuffix(got[0], TruncMarker) || len(got[0]) > MinBudget-hdrSize {
		t.Fatalf("got %q", got)
	}
	if !strings.HasPrefix(got[0], "[t] é") || !strings.Contains(got[0], "é"+TruncMarker) {
		t.Fatalf("bad cut: %q", got[0])
	}
	if r.Stats().Truncated != 1 {
		t.Fatal("truncation not counted")
	}
	r.Write([]byte("short"))
	if got := texts(t, r, Query{}); len(got) != 1 || got[0] != "short" {
		t.Fatalf("after: %q", got)
	}
}

func TestLineWriter(t *testing.T) {
	r := New(1024)
	w := r.NewWriter("job", slog.LevelWarn)
	w.Write([]byte("par"))
	w.Write([]byte("tial\nnext "))
	w.Write([]byte("line\nend"))
	if got := texts(t, r, Query{}); strings.Join(got, "|") != "[job] partial|[job] next line" {
		t.Fatalf("got %q", got)
	}
	w.Close()
	ls, _ := r.Lines(Query{Task: "job", MinLevel: slog.LevelWarn})
	if len(ls) != 3 || ls[2].Text != "[job] end" || ls[2].Task != "job" {
		t.Fatalf("got %+v", ls)
	}
	// A partial line longer than the budget is stored without its newline.
	w.Write(bytes.Repeat([]byte("z"), 2000))
	if got := texts(t, r, Query{}); !strings.HasSuffix(got[len(got)-1], TruncMarker) {
		t.Fatalf("long partial not flushed: %d lines", len(got))
	}
}

func TestWriteSeedFormat(t *testing.T) {
	r := New(1024)
	r.Write([]byte("2015-01-01 00:00:19 [pyb] [WARN] [hello_task] LED 3 toggled!\n" +
		"2015-01-01 00:00:19 [pyb] [CRIT] no task\n" +
		"2015-01-01 00:00:19 [pyb] [NOPE] [x] not a level\n" +
		"2015-01-01 00:00:19 [pyb] [DEBUG] [t] d\n"))
	ls, _ := r.Lines(Query{})
	want := []struct {
		level slog.Level
		task  string
	}{{slog.LevelWarn, "hello_task"}, {LevelCrit, ""}, {slog.LevelInfo, ""}, {slog.LevelDebug, "t"}}
	for i, w := range want {
		if ls[i].Level != w.level || ls[i].Task != w.task {
			t.Errorf("line %d: level %v task %q, want %v %q", i, ls[i].Level, ls[i].Task, w.level, w.task)
		}
	}
}

// TestMemStatsBounded writes 100 times the budget and checks through the Go
// heap that the ring's memory did not grow.
func TestMemStatsBounded(t *testing.T) {
	const budget = memTestBudget // 256 KB; 32 KB under TinyGo (riscv-qemu has 1 MB of RAM)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := New(budget)
	log := slog.New(r.Handler(nil))
	msg := strings.Repeat("m", 900)
	for written := 0; written < 100*budget; written += 1000 {
		log.Info(msg, TaskKey, "mem", "n", written)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grown > budget+64<<10 {
		t.Fatalf("heap grew by %d bytes for a %d-byte ring", grown, budget)
	}
	if st := r.Stats(); st.Used > budget || st.Evicted == 0 {
		t.Fatalf("stats %+v", st)
	}
	runtime.KeepAlive(r)
}
