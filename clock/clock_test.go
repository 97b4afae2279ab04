package clock

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

func TestFakeTimersFireInOrderWhenDue(t *testing.T) {
	f := NewFake(t0)
	a := f.NewTimer(2 * time.Second)
	b := f.NewTimer(1 * time.Second)
	f.Advance(500 * time.Millisecond)
	select {
	case <-a.C():
		t.Fatal("timer a fired early")
	case <-b.C():
		t.Fatal("timer b fired early")
	default:
	}
	f.Advance(time.Second)
	if got := <-b.C(); !got.Equal(t0.Add(time.Second)) {
		t.Fatalf("b fired with %v", got)
	}
	if f.Timers() != 1 {
		t.Fatalf("armed timers = %d, want 1", f.Timers())
	}
	f.Advance(time.Second)
	<-a.C()
	if f.Timers() != 0 {
		t.Fatalf("armed timers = %d, want 0", f.Timers())
	}
}

func TestFakeStopAndReset(t *testing.T) {
	f := NewFake(t0)
	a := f.NewTimer(time.Second)
	if !a.Stop() {
		t.Fatal("Stop of an armed timer reported inactive")
	}
	if a.Stop() {
		t.Fatal("second Stop reported active")
	}
	f.Advance(2 * time.Second)
	select {
	case <-a.C():
		t.Fatal("stopped timer fired")
	default:
	}
	a.Reset(time.Second)
	if next, ok := f.Next(); !ok || !next.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("Next = %v %v", next, ok)
	}
	f.Advance(time.Second)
	<-a.C()
}

func TestFakeZeroDurationFiresAtOnce(t *testing.T) {
	f := NewFake(t0)
	<-f.NewTimer(0).C()
}

func TestWaitTimers(t *testing.T) {
	f := NewFake(t0)
	done := make(chan struct{})
	go func() {
		tm := f.NewTimer(time.Minute)
		<-tm.C()
		close(done)
	}()
	if !f.WaitTimers(1, nil) {
		t.Fatal("WaitTimers returned false")
	}
	f.Advance(time.Minute)
	<-done
	stop := make(chan struct{})
	close(stop)
	if f.WaitTimers(5, stop) {
		t.Fatal("WaitTimers should give up when done is closed")
	}
}

func TestReal(t *testing.T) {
	var c Clock = Real{}
	tm := c.NewTimer(time.Millisecond)
	<-tm.C()
	if c.Now().IsZero() {
		t.Fatal("zero time")
	}
}
