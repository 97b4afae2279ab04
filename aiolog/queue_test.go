//go:build !tinygo

package aiolog

import (
	"bytes"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// gateWriter blocks every Write until open is closed, like a pipe whose
// reader does not read; then it keeps what it is given.
type gateWriter struct {
	open chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (w *gateWriter) Write(p []byte) (int, error) {
	<-w.open
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *gateWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

var noticeRE = regexp.MustCompile(`^-- (\d+) lines not echoed --$`)

// A WithCopy writer that blocks (stdout piped into a program that never
// reads) never blocks logging: the lines that find the queue full are
// dropped and counted, and once the writer takes lines again it is told
// how many it missed, in their place.
func TestCopyNeverBlocksOnABlockedWriter(t *testing.T) {
	w := &gateWriter{open: make(chan struct{})}
	var opened sync.Once
	defer opened.Do(func() { close(w.open) })
	r := New(64<<10, WithCopy(slog.LevelInfo, w), WithCopyQueue(1024))
	log := slog.New(r.Handler(nil))
	const lines = 200
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range lines {
			log.Info("line " + strconv.Itoa(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a bound for a broken test, not a synchronisation
		opened.Do(func() { close(w.open) })
		<-done
		t.Fatal("logging blocked on a blocked WithCopy writer")
	}
	st := r.Stats()
	if st.CopyDropped == 0 || st.Lines != lines {
		t.Fatalf("stats %+v: want dropped copies and every line in the ring", st)
	}
	opened.Do(func() { close(w.open) })
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	log.Info("after") // the writer caught up: this one goes through
	if err := r.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got []string
	var missed uint64
	for _, l := range strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n") {
		if m := noticeRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.ParseUint(m[1], 10, 64)
			missed += n
			continue
		}
		got = append(got, l[strings.Index(l, "] [INFO] ")+len("] [INFO] "):])
	}
	if missed != r.Stats().CopyDropped || uint64(len(got))+missed != lines+1 {
		t.Fatalf("%d lines echoed + %d said missed, want %d (dropped %d)", len(got), missed, lines+1, r.Stats().CopyDropped)
	}
	if got[0] != "line 0" || got[len(got)-1] != "after" {
		t.Fatalf("echoed %q … %q", got[0], got[len(got)-1])
	}
}

// The notice comes as soon as the writer caught up, not with the next line.
func TestQueueNoticeWhenWriterCatchesUp(t *testing.T) {
	w := &gateWriter{open: make(chan struct{})}
	q := NewQueueWriter(w, 256)
	for range 20 {
		q.Write([]byte(strings.Repeat("x", 60) + "\n"))
	}
	close(w.open)
	if err := q.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	st := q.Stats()
	want := strings.Repeat(strings.Repeat("x", 60)+"\n", 20-int(st.Dropped)) +
		fmt.Sprintf("-- %d lines not echoed --\n", st.Dropped)
	if st.Dropped == 0 || w.String() != want {
		t.Fatalf("dropped %d, wrote:\n%s", st.Dropped, w.String())
	}
}

// slowWriter keeps what it is given, yielding now and then so that the
// queue fills and empties at random.
type slowWriter struct {
	mu   sync.Mutex
	recs []string
	n    int
}

func (w *slowWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.recs = append(w.recs, string(p))
	w.n++
	yield := w.n%3 == 0
	w.mu.Unlock()
	if yield {
		runtime.Gosched()
	}
	return len(p), nil
}

// FuzzQueueWriter writes records of the sizes given to a queue of a given
// size in front of a slow writer, and checks what comes out: the records
// that went through, whole and in order, and notices that add up to the
// ones that did not.
func FuzzQueueWriter(f *testing.F) {
	f.Add(uint16(256), []byte{10, 200, 3, 90, 250, 1, 60, 60, 60, 60})
	f.Add(uint16(300), bytes.Repeat([]byte{37}, 64))
	f.Add(uint16(0), []byte{5, 6, 7})
	f.Fuzz(func(t *testing.T, size uint16, sizes []byte) {
		if len(sizes) > 500 {
			sizes = sizes[:500]
		}
		w := &slowWriter{}
		q := NewQueueWriter(w, int(size))
		for i, s := range sizes {
			rec := fmt.Sprintf("%d:%s\n", i, strings.Repeat("y", int(s)))
			q.Write([]byte(rec))
		}
		if err := q.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		next, missed := 0, uint64(0)
		for _, rec := range w.recs {
			if m := noticeRE.FindStringSubmatch(strings.TrimSuffix(rec, "\n")); m != nil {
				n, _ := strconv.ParseUint(m[1], 10, 64)
				missed += n
				continue
			}
			i, _ := strconv.Atoi(rec[:strings.IndexByte(rec, ':')])
			if i < next || rec != fmt.Sprintf("%d:%s\n", i, strings.Repeat("y", int(sizes[i]))) {
				t.Fatalf("record %q out of order or torn (next %d)", rec, next)
			}
			next = i + 1
		}
		st := q.Stats()
		if st.Dropped != missed || uint64(len(w.recs))-uint64(countNotices(w.recs))+missed != uint64(len(sizes)) || st.Queued != 0 {
			t.Fatalf("%d records out, %d said missed, %d in; stats %+v", len(w.recs), missed, len(sizes), st)
		}
	})
}

func countNotices(recs []string) int {
	n := 0
	for _, r := range recs {
		if noticeRE.MatchString(strings.TrimSuffix(r, "\n")) {
			n++
		}
	}
	return n
}
