//go:build !tinygo

// Host only: the golden status names each task's function, which TinyGo cannot (runtime.FuncForPC is nil there).

package aioschedule

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestStatusLinesGolden(t *testing.T) {
	e := newEnv(t, WithMaxSleep(0))
	b := newBlocker(e.clk)
	if _, err := Add(e.s, b.fn, struct{}{}, Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("world")); err != nil {
		t.Fatal(err)
	}
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	if _, err := Add(e.s, noop, struct{}{}, Spec{Cron: "0 3 * * *", TZ: "UTC", CatchUp: true}, aioctl.WithName("nightly")); err != nil {
		t.Fatal(err)
	}
	aioctl.MustAdd(e.g, noop, struct{}{}, aioctl.WithName("plain"), aioctl.Deferred())

	render := func(debug bool) string {
		t.Helper()
		sts, err := e.g.Snapshot(aioctl.SnapshotOptions{Debug: debug})
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		if err := aioctl.Render(&sb, sts, aioctl.RenderOptions{Debug: debug, Now: e.clk.Now(), Location: time.UTC}); err != nil {
			t.Fatal(err)
		}
		return sb.String()
	}
	golden(t, "before any run", render(false), `● world: status: scheduled
    ┗━► schedule: last @ None --> next in 5 s @ 2025-01-01 00:00:05
● nightly: status: scheduled
    ┗━► schedule: last @ None --> next in 03:00:00 @ 2025-01-01 03:00:00
● plain: status: scheduled
`)

	waitNext(t, e.clk, at(5*time.Second))
	e.clk.Advance(5 * time.Second)
	<-b.started
	waitNext(t, e.clk, at(15*time.Second))
	e.clk.Advance(10 * time.Second) // skipped: still running
	waitNext(t, e.clk, at(25*time.Second))
	e.clk.Advance(2 * time.Second)
	golden(t, "running, one skip", render(true), `● world: status: running since 2025-01-01 00:00:05; 12 s ago
    ┗━► schedule: last @ 2025-01-01 00:00:05 --> next in 8 s @ 2025-01-01 00:00:25
    ┗━► schedule opts: start_in=5s repeat=10s (skipped: 1, missed: 0)
    Task: github.com/aiotools-go/aiotools/aioschedule.(*blocker).fn (group default)
    ┗━► args: {}
● nightly: status: scheduled
    ┗━► schedule: last @ None --> next in 02:59:43 @ 2025-01-01 03:00:00
    ┗━► schedule opts: cron="0 3 * * *" tz="UTC" catch_up=true (skipped: 0, missed: 0)
    Task: github.com/aiotools-go/aiotools/aioschedule.TestStatusLinesGolden.func1 (group default)
    ┗━► args: {}
● plain: status: scheduled
    Task: github.com/aiotools-go/aiotools/aioschedule.TestStatusLinesGolden.func1 (group default)
    ┗━► args: {}
`)

	// A user's stop unschedules: next is None, and the opts say why.
	if _, err := e.g.Stop(context.Background(), "world"); err != nil {
		t.Fatal(err)
	}
	got := render(true)
	golden(t, "stopped", strings.SplitAfterN(got, "\n", 4)[0]+strings.SplitAfterN(got, "\n", 4)[1]+strings.SplitAfterN(got, "\n", 4)[2],
		`● world: status: stopped @ 2025-01-01 00:00:17; 0 s ago --> result:
    ┗━► schedule: last @ 2025-01-01 00:00:05 --> next: None
    ┗━► schedule opts: start_in=5s repeat=10s (unscheduled by stop) (skipped: 1, missed: 0)
`)
}

func golden(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got\n%s\nwant\n%s", what, got, want)
	}
}

// The schedule list and the status read one shape, aioctl.ScheduleInfo: a
// List entry carries exactly the schedule part of the task's status, also
// when a user's stop paused it, and its JSON has the same fields.
func TestEntryIsTheStatusShape(t *testing.T) {
	e := newEnv(t)
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	if _, err := Add(e.s, noop, struct{}{}, Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("world")); err != nil {
		t.Fatal(err)
	}
	check := func(what string, paused bool) {
		t.Helper()
		sts, err := e.g.Snapshot(aioctl.SnapshotOptions{}, "world")
		if err != nil || sts[0].Schedule == nil {
			t.Fatalf("%s: status %+v, %v", what, sts, err)
		}
		x := e.entry("world")
		var info aioctl.ScheduleInfo = x.ScheduleInfo
		if info != *sts[0].Schedule {
			t.Errorf("%s: list %+v, status %+v", what, info, *sts[0].Schedule)
		}
		if x.Paused != paused || x.Opts != "start_in=5s repeat=10s" {
			t.Errorf("%s: paused %v opts %q", what, x.Paused, x.Opts)
		}
		lj, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		sj, _ := json.Marshal(sts[0].Schedule)
		var l, s map[string]any
		if err := json.Unmarshal(lj, &l); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(sj, &s)
		for k, v := range s {
			if !reflect.DeepEqual(l[k], v) {
				t.Errorf("%s: list JSON %s=%v, status JSON %v", what, k, l[k], v)
			}
		}
		if l["task"] != "world" || l["spec"] == nil || len(l) != len(s)+2 {
			t.Errorf("%s: list JSON %s, status JSON %s", what, lj, sj)
		}
		var back Entry
		err = json.Unmarshal(lj, &back)
		if err != nil || back.Task != x.Task || back.Spec != x.Spec || !back.Last.Equal(x.Last) || !back.Next.Equal(x.Next) ||
			back.Opts != x.Opts || back.Skipped != x.Skipped || back.Missed != x.Missed || back.Paused != x.Paused {
			t.Errorf("%s: round trip of %s: %+v, %v", what, lj, back, err)
		}
	}
	check("scheduled", false)
	if _, err := e.g.Stop(context.Background(), "world"); err != nil {
		t.Fatal(err)
	}
	check("stopped", true)
}
