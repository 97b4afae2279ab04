//go:build !tinygo

package aioschedule

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A one-shot schedule (start_in, no repeat) that ran stays listed, so that
// one sees when it ran, and says it runs no more: status, List and their
// JSON alike, rather than "next: None" as if it were waiting for a time.
func TestOneShotThatRanIsDone(t *testing.T) {
	e := newEnv(t, WithMaxSleep(0))
	b := newBlocker(e.clk)
	defer close(b.release)
	if _, err := Add(e.s, b.fn, struct{}{}, Spec{StartIn: 5 * time.Second}, aioctl.WithName("once")); err != nil {
		t.Fatal(err)
	}
	if x := e.entry("once"); x.Done {
		t.Fatalf("done before it ran: %+v", x)
	}
	waitNext(t, e.clk, at(5*time.Second))
	e.clk.Advance(5 * time.Second)
	<-b.started

	x := e.entry("once")
	if !x.Done || !x.Next.IsZero() || !x.Last.Equal(at(5*time.Second)) {
		t.Errorf("after its run: %+v, want done, last at 00:00:05, no next", x)
	}
	lj, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lj), `"done":true`) || strings.Contains(string(lj), `"next"`) {
		t.Errorf("list JSON: %s", lj)
	}
	sts, err := e.g.Snapshot(aioctl.SnapshotOptions{}, "once")
	if err != nil {
		t.Fatal(err)
	}
	if s := sts[0].Schedule; s == nil || *s != x.ScheduleInfo {
		t.Errorf("status's schedule %+v, list's %+v", s, x.ScheduleInfo)
	}
	sj, _ := json.Marshal(sts[0])
	if !strings.Contains(string(sj), `"done":true`) {
		t.Errorf("status JSON: %s", sj)
	}
	var sb strings.Builder
	if err := aioctl.Render(&sb, sts, aioctl.RenderOptions{Now: e.clk.Now(), Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if want := "    ┗━► schedule: last @ 2025-01-01 00:00:05 --> done (one-shot: runs no more)\n"; !strings.Contains(sb.String(), want) {
		t.Errorf("status:\n%s\nwant the line\n%s", sb.String(), want)
	}
}
