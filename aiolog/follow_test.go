//go:build !tinygo

// Host only: a 1 MB ring and followers buffering 64 K lines each: more than riscv-qemu's 1 MB of RAM.

package aiolog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// follow runs Follow in a goroutine, sending every line on the returned
// channel; stop cancels it and returns Follow's error.
func follow(r *Ring, q Query, block <-chan struct{}) (<-chan Line, func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan Line, 1<<16)
	errc := make(chan error, 1)
	go func() {
		errc <- r.Follow(ctx, q, func(l Line) error {
			ch <- l
			if block != nil {
				<-block
				block = nil
			}
			return nil
		})
	}()
	return ch, func() error { cancel(); return <-errc }
}

func TestFollowWakesAndFilters(t *testing.T) {
	r := New(4096)
	r.Write([]byte("[a] before"))
	ch, stop := follow(r, Query{Tail: -1, Task: "a", Grep: "x"}, nil)
	r.Write([]byte("[a] x1\n[b] x2\n[a] y\n"))
	slog.New(r.Handler(nil)).Info("x3", TaskKey, "a")
	if l := <-ch; l.Text != "[a] x1" || l.Seq != 2 {
		t.Fatalf("got %+v", l)
	}
	if l := <-ch; !strings.HasSuffix(l.Text, "[a] x3") || l.Seq != 5 {
		t.Fatalf("got %+v", l)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow returned %v", err)
	}
}

func TestFollowTail(t *testing.T) {
	r := New(4096)
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(r, "l%d", i)
	}
	ch, stop := follow(r, Query{Tail: 2}, nil)
	for _, want := range []string{"l4", "l5", "l6"} {
		if l := <-ch; l.Text != want {
			t.Fatalf("got %q want %q", l.Text, want)
		}
		if want == "l4" {
			r.Write([]byte("l6")) // Follow has started: this line is new
		}
	}
	stop()
	// Tail 0 starts at the end: replays nothing.
	m, _ := compile(Query{})
	sc := &scanner{r: r, m: m}
	if c, end, _ := sc.start(0, true); c.seq != 7 || end != 7 {
		t.Fatalf("Tail 0 starts at %d, end %d", c.seq, end)
	}

}

// TestFollowLossExact blocks a follower inside its callback while a writer
// overwrites the whole ring many times: the writer must finish, and the
// follower must then report exactly the lines it lost and every later line.
func TestFollowLossExact(t *testing.T) {
	r := New(MinBudget * 4)
	r.Write([]byte("first"))
	block := make(chan struct{})
	ch, stop := follow(r, Query{Tail: -1}, block)
	if l := <-ch; l.Seq != 1 {
		t.Fatalf("got %+v", l)
	}
	// The follower is now blocked in its callback; the writer must not wait.
	const n = 10000
	for i := 2; i <= n; i++ {
		r.Write([]byte("line " + strconv.Itoa(i)))
	}
	st := r.Stats()
	close(block)
	l := <-ch
	if l.Lost != st.FirstSeq-2 || l.Text != LostText(st.FirstSeq-2) {
		t.Fatalf("lost notice %+v, first seq %d", l, st.FirstSeq)
	}
	seen := l.Lost + 1
	for next := st.FirstSeq; next <= n; next++ {
		l := <-ch
		if l.Seq != next || l.Text != "line "+strconv.FormatUint(next, 10) || l.Lost != 0 {
			t.Fatalf("got %+v want seq %d", l, next)
		}
		seen++
	}
	if seen != n {
		t.Fatalf("accounted for %d lines of %d", seen, n)
	}
	stop()
}

// TestFollowerNeverSlowsWriter keeps many followers blocked and checks that
// writes still complete and that blocked followers hold no lock.
func TestFollowerNeverSlowsWriter(t *testing.T) {
	r := New(MinBudget * 4)
	r.Write([]byte("x"))
	block := make(chan struct{})
	var stops []func() error
	for i := 0; i < 8; i++ {
		ch, stop := follow(r, Query{Tail: -1}, block)
		<-ch
		stops = append(stops, stop)
	}
	for i := 0; i < 5000; i++ {
		r.Write([]byte("y"))
	}
	// Readers work while the followers are blocked, too.
	if len(texts(t, r, Query{})) == 0 {
		t.Fatal("no lines")
	}
	close(block)
	for _, s := range stops {
		s()
	}
}

// TestConcurrentWritersNoTearing writes from many goroutines through the
// handler, Write and LineWriters while readers cat and follow, then checks
// that every line is whole and the sequence numbers are consecutive.
func TestConcurrentWritersNoTearing(t *testing.T) {
	r := New(64 << 10)
	log := slog.New(r.Handler(nil))
	const writers, per = 8, 300
	check := func(l Line) error {
		if l.Lost != 0 {
			return nil
		}
		i := strings.Index(l.Text, "w=")
		if i < 0 {
			return fmt.Errorf("torn line %q", l.Text)
		}
		f := strings.Fields(l.Text[i:])
		if len(f) != 3 {
			return fmt.Errorf("torn line %q", l.Text)
		}
		w := f[0][2:]
		if f[2] != "pad="+strings.Repeat(w, 20+len(f[1])) && f[2] != "pad=\""+strings.Repeat(w, 20+len(f[1]))+"\"" {
			return fmt.Errorf("torn line %q", l.Text)
		}
		return nil
	}
	fch, stop := follow(r, Query{Tail: -1}, nil)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := string(rune('a' + w))
			lw := r.NewWriter("lw"+c, slog.LevelInfo)
			for i := 0; i < per; i++ {
				n := strconv.Itoa(i)
				pad := strings.Repeat(c, 20+len("n="+n))
				switch i % 3 {
				case 0:
					log.Info("m", TaskKey, c, "w", c, "n", i, "pad", pad)
				case 1:
					fmt.Fprintf(r, "[%s] w=%s n=%d pad=%s\n", c, c, i, pad)
				case 2:
					fmt.Fprintf(lw, "w=%s n=%d ", c, i)
					fmt.Fprintf(lw, "pad=%s\n", pad)
				}
			}
		}(w)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			if err := r.Scan(Query{}, check); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	<-done
	ls, _ := r.Lines(Query{})
	for i, l := range ls {
		if err := check(l); err != nil {
			t.Fatal(err)
		}
		if i > 0 && l.Seq != ls[i-1].Seq+1 {
			t.Fatalf("seq %d after %d", l.Seq, ls[i-1].Seq)
		}
	}
	if st := r.Stats(); st.NextSeq != writers*per+1 {
		t.Fatalf("next seq %d", st.NextSeq)
	}
	// The follower saw every line or was told what it lost, in order.
	if err := accountFollower(fch, writers*per, check); err != nil {
		t.Fatal(err)
	}
	stop()
}

// accountFollower reads a follower's lines until it has accounted for every
// sequence number up to lastSeq, each line read or counted in a lost-lines
// notice, in order. The follower starts at the ring's oldest line when
// Follow begins, which under load may be well past 1 (lines evicted before
// it started are not lost to it), and its very first delivery may already
// be a notice for lines evicted since: so the count starts from the first
// line it reads, less the lines the notices before it lost.
func accountFollower(lines <-chan Line, lastSeq uint64, check func(Line) error) error {
	var last, lostFirst uint64 // last: the last sequence number accounted for
	started := false
	for !started || last < lastSeq {
		var l Line
		select {
		case l = <-lines:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("follower stalled after seq %d of %d", last, lastSeq)
		}
		if err := check(l); err != nil {
			return err
		}
		if l.Lost != 0 {
			if started {
				last += l.Lost
			} else {
				lostFirst += l.Lost
			}
			continue
		}
		if !started {
			if l.Seq <= lostFirst {
				return fmt.Errorf("first line seq %d after %d lost ones", l.Seq, lostFirst)
			}
			last, started = l.Seq-1, true
		}
		if l.Seq != last+1 {
			return fmt.Errorf("follower got seq %d after %d", l.Seq, last)
		}
		last = l.Seq
	}
	return nil
}

// The accounting starts where the follower did: a run under load whose
// follower began at seq 447 and was first told of 579 lost lines (the
// counting from 0 it replaced failed with "seq 1026 after 579").
func TestAccountFollowerStartsWhereTheFollowerDid(t *testing.T) {
	ok := func(Line) error { return nil }
	feed := func(ls ...Line) <-chan Line {
		ch := make(chan Line, len(ls))
		for _, l := range ls {
			ch <- l
		}
		return ch
	}
	for name, ls := range map[string][]Line{
		"lost first":   {{Lost: 579}, {Seq: 1026}, {Seq: 1027}, {Lost: 3}, {Seq: 1031}},
		"late start":   {{Seq: 1000}, {Seq: 1001}, {Lost: 29}, {Seq: 1031}},
		"from the top": {{Seq: 1}, {Lost: 1029}, {Seq: 1031}},
	} {
		if err := accountFollower(feed(ls...), 1031, ok); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := accountFollower(feed(Line{Seq: 5}, Line{Seq: 7}), 7, ok); err == nil {
		t.Error("a gap without a notice passed")
	}
	if err := accountFollower(feed(Line{Seq: 5}, Line{Lost: 1}, Line{Seq: 8}), 8, ok); err == nil {
		t.Error("a notice that undercounts passed")
	}
}

// TestFollowCancelDuringReplay checks that cancelling a follower stops a long
// replay at the next chunk instead of delivering the whole ring first.
func TestFollowCancelDuringReplay(t *testing.T) {
	r := New(1 << 20)
	line := []byte(strings.Repeat("x", 100))
	for r.Stats().Evicted == 0 {
		r.Write(line)
	}
	total := r.Stats().Lines
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := r.Follow(ctx, Query{Tail: -1}, func(Line) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n == 0 || n > total/2 {
		t.Fatalf("Follow returned %v after %d of %d lines", err, n, total)
	}
	// Already cancelled: nothing is delivered.
	n = 0
	if err := r.Follow(ctx, Query{Tail: -1}, func(Line) error { n++; return nil }); !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("cancelled Follow returned %v after %d lines", err, n)
	}
}
