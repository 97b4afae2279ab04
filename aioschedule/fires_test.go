package aioschedule

import (
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestObserveFiresReportsLatenessAndSkips(t *testing.T) {
	e := newEnv(t, WithMissTolerance(10*time.Second))
	fires := make(chan Fire, 10)
	cancel := e.s.ObserveFires(func(f Fire) { fires <- f })
	b := newBlocker(e.clk)
	if _, err := Add(e.s, b.fn, struct{}{}, Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("slow")); err != nil {
		t.Fatal(err)
	}
	e.waitArmed()
	// The machine was busy: the timer is seen 2 s after the run was due.
	e.clk.Advance(7 * time.Second)
	<-b.started
	if f := <-fires; f != (Fire{Task: "slow", Planned: at(5 * time.Second), At: at(7 * time.Second), Started: true}) {
		t.Errorf("first fire %+v", f)
	}
	// Still running at the next slot: a skipped run.
	e.waitArmed()
	e.clk.Advance(8 * time.Second)
	if f := <-fires; f != (Fire{Task: "slow", Planned: at(15 * time.Second), At: at(15 * time.Second), Started: false}) {
		t.Errorf("second fire %+v", f)
	}
	cancel()
	e.waitArmed()
	e.clk.Advance(10 * time.Second) // still running: skipped again, but nobody observes
	e.waitArmed()
	if got := e.entry("slow").Skipped; got != 2 {
		t.Fatalf("skipped %d, want 2", got)
	}
	select {
	case f := <-fires:
		t.Errorf("fire after cancel: %+v", f)
	default:
	}
	close(b.release)
}
