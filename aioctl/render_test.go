//go:build !tinygo

// Host only: these tests name tasks after their functions, which TinyGo cannot (runtime.FuncForPC is nil there: tasks without WithName are task, task_1, …).

package aioctl

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 s"},
		{4*time.Second + 900*time.Millisecond, "4 s"},
		{59 * time.Second, "59 s"},
		{60 * time.Second, "00:01:00"},
		{82 * time.Second, "00:01:22"},
		{2*time.Hour + 31*time.Second, "02:00:31"},
		{24*time.Hour - time.Second, "23:59:59"},
		{24 * time.Hour, "1 days, 00:00:00"},
		{50*time.Hour + 3*time.Minute + 4*time.Second, "2 days, 02:03:04"},
		{-37 * time.Second, "37 s"},
	}
	for _, c := range cases {
		if got := formatDuration(c.d); got != c.want {
			t.Errorf("formatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	if got := FormatNextIn(-3 * time.Second); got != "the past by 3 s" {
		t.Errorf("FormatNextIn(-3s) = %q", got)
	}
	if got := FormatNextIn(37 * time.Second); got != "37 s" {
		t.Errorf("FormatNextIn(37s) = %q", got)
	}
}

type fakeLog map[string][]string

func (f fakeLog) TaskLog(task string, n int) []string { return f[task] }

type fakeExtender struct{}

func (fakeExtender) ExtendStatus(st *TaskStatus, debug bool) {
	switch st.Name {
	case "world_task":
		st.Schedule = &ScheduleInfo{
			Last: time.Date(2015, 1, 1, 0, 12, 39, 0, time.UTC),
			Next: time.Date(2015, 1, 1, 0, 13, 21, 0, time.UTC),
			Opts: "start_in=20s repeat=90s", Skipped: 2,
		}
	case "hello.service":
		st.Service = &ServiceInfo{
			Description: "Hello example runner v1.0",
			Loaded:      "Service: hello.service from main.go",
			Type:        "runtime.service",
			Docs:        "https://example.com/hello",
			Stats:       "Temp: 25.79 C   Loop info: exec time: 5 ms; # loops: 186",
		}
	case "failing.service":
		st.Service = &ServiceInfo{Type: "runtime.service"}
	}
}

// statusFixture builds a group on a fake clock with one task in each state
// and returns its rendered status.
func statusFixture(t *testing.T, debug, color bool) string {
	t.Helper()
	g, fc := newTestGroup(t, WithGroupName("demo"),
		WithLogSource(fakeLog{"hello_task": {"2015-01-01 00:00:20 [pyb] [INFO] [hello_task] LED 3 toggled!"}}))
	g.AddStatusExtender(fakeExtender{})
	type pinArgs struct {
		Pin   int    `json:"pin"`
		Sleep string `json:"sleep"`
	}
	wr := stateWaiter(t, g, "hello_task", Running)
	MustAdd(g, func(ctx context.Context, _ pinArgs) (int, error) { <-ctx.Done(); return 0, ctx.Err() },
		pinArgs{Pin: 2, Sleep: "5s"}, WithName("hello_task"))
	wr()
	wd := stateWaiter(t, g, "answer", Done)
	MustAdd(g, answer, 21)
	wd()
	fc.Advance(time.Minute + 22*time.Second)
	we := stateWaiter(t, g, "dofail", Error)
	MustAdd(g, fail, "division by zero", WithName("dofail"))
	we()
	ws := stateWaiter(t, g, "blink", Stopped)
	wb := stateWaiter(t, g, "blink", Running)
	MustAdd(g, block, struct{}{}, WithName("blink"), WithOnStop(func(struct{}) string { return "stopped by hand" }))
	wb()
	if _, err := g.Stop(context.Background(), "blink"); err != nil {
		t.Fatal(err)
	}
	ws()
	MustAdd(g, answer, 0, WithName("world_task"), Deferred())
	we2 := stateWaiter(t, g, "failing.service", Error)
	MustAdd(g, fail, "no network", WithName("failing.service"))
	we2()
	wh := stateWaiter(t, g, "hello.service", Running)
	MustAdd(g, block, struct{}{}, WithName("hello.service"))
	wh()
	fc.Advance(4 * time.Second)
	sts, err := g.Snapshot(SnapshotOptions{Debug: debug})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Render(&b, sts, RenderOptions{Debug: debug, Color: color, Now: fc.Now(), Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestStatusPlainGolden(t *testing.T) {
	sep := Separator
	want := `● hello_task: status: running since 2015-01-01 00:00:19; 00:01:26 ago
2015-01-01 00:00:20 [pyb] [INFO] [hello_task] LED 3 toggled!
` + sep + `
● answer: status: done @ 2015-01-01 00:00:19; 00:01:26 ago --> result: 42
` + sep + `
● dofail: status: ERROR @ 2015-01-01 00:01:41; 4 s ago --> result: Error: division by zero
` + sep + `
● blink: status: stopped @ 2015-01-01 00:01:41; 4 s ago --> result: stopped by hand
` + sep + `
● world_task: status: scheduled
    ┗━► schedule: last @ 2015-01-01 00:12:39 --> next in 00:11:36 @ 2015-01-01 00:13:21
` + sep + `
● failing.service: status: failed @ 2015-01-01 00:01:41; 4 s ago --> result: Error: no network
` + sep + `
● hello.service: status: running since 2015-01-01 00:01:41; 4 s ago
` + sep + `
`
	if got := statusFixture(t, false, false); got != want {
		t.Fatalf("plain status:\n%s\nwant:\n%s", got, want)
	}
}

func TestStatusDebugGolden(t *testing.T) {
	got := statusFixture(t, true, false)
	for _, want := range []string{
		"● hello_task: status: running since 2015-01-01 00:00:19; 00:01:26 ago\n" +
			"    Task: github.com/aiotools-go/aiotools/aioctl.statusFixture.func1 (group demo)\n" +
			"    ┗━► args: {\"pin\":2,\"sleep\":\"5s\"}\n",
		"● answer: status: done @ 2015-01-01 00:00:19; 00:01:26 ago --> result: 42\n" +
			"    Task: github.com/aiotools-go/aiotools/aioctl.answer (group demo)\n" +
			"    ┗━► runtime: 0 s\n" +
			"    ┗━► args: 21\n",
		"● dofail: status: ERROR @ 2015-01-01 00:01:41; 4 s ago --> result: Error: division by zero\n" +
			"    Task: github.com/aiotools-go/aiotools/aioctl.fail (group demo)\n" +
			"    ┗━► runtime: 0 s\n" +
			"    ┗━► args: \"division by zero\"\n" +
			"    ┗━► traceback: Error: division by zero\n",
		"● world_task: status: scheduled\n" +
			"    ┗━► schedule: last @ 2015-01-01 00:12:39 --> next in 00:11:36 @ 2015-01-01 00:13:21\n" +
			"    ┗━► schedule opts: start_in=20s repeat=90s (skipped: 2, missed: 0)\n",
		"● hello.service - Hello example runner v1.0\n" +
			"    Loaded: Service: hello.service from main.go\n" +
			"    Active: (active) running since 2015-01-01 00:01:41; 4 s ago\n" +
			"    Type: runtime.service\n" +
			"    Docs: https://example.com/hello\n" +
			"    Stats:     Temp: 25.79 C   Loop info: exec time: 5 ms; # loops: 186\n" +
			"    Task: github.com/aiotools-go/aiotools/aioctl.block (group demo)\n" +
			"    ┗━► args: {}\n",
		"● failing.service\n    Active: (failed) failed @ 2015-01-01 00:01:41; 4 s ago --> result: Error: no network\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("debug status lacks:\n%s\n--- got:\n%s", want, got)
		}
	}
}

func TestStatusColorsOnlyWhenAsked(t *testing.T) {
	plain := statusFixture(t, false, false)
	if strings.Contains(plain, "\x1b[") {
		t.Fatal("plain status has escape codes")
	}
	color := statusFixture(t, false, true)
	for _, want := range []string{
		"\x1b[32m●\x1b[0m hello_task", // green running
		"● answer",                    // done: plain dot
		"\x1b[31m●\x1b[0m dofail",     // red error
		"\x1b[33m●\x1b[0m blink",      // yellow stopped
		"\x1b[36m●\x1b[0m world_task", // cyan scheduled
	} {
		if !strings.Contains(color, want) {
			t.Errorf("colour status lacks %q:\n%q", want, color)
		}
	}
}

func TestStatusOfRestartingAndGaveUp(t *testing.T) {
	g, fc := newTestGroup(t)
	gate := make(chan struct{})
	MustAdd(g, failingTask(gate), struct{}{}, WithName("flaky"),
		WithRestart(RestartPolicy{Mode: OnFailure, Delay: 5 * time.Second, Budget: 1, Window: time.Minute}))
	w := stateWaiter(t, g, "flaky", Restarting)
	gate <- struct{}{}
	w()
	fc.WaitTimers(1, nil) // the backoff timer is armed before time moves
	fc.Advance(time.Second)
	var b strings.Builder
	if err := g.WriteStatus(&b, false); err != nil {
		t.Fatal(err)
	}
	want := "● flaky: status: restarting @ 2015-01-01 00:00:19; 1 s ago --> result: Error: flaky\n" +
		"    ┗━► restart: next in 4 s @ " + t0.Add(5*time.Second).In(time.Local).Format(DateLayout) + " (restart 1)\n"
	if got := b.String(); !strings.Contains(got, "--> result: Error: flaky\n    ┗━► restart: next in 4 s @ ") || !strings.HasSuffix(got, "(restart 1)\n") {
		t.Fatalf("restarting status:\n%s\nwant like:\n%s", got, want)
	}
	wr := stateWaiter(t, g, "flaky", Running)
	fc.WaitTimers(1, nil)
	fc.Advance(4 * time.Second)
	wr()
	wg := stateWaiter(t, g, "flaky", GaveUp)
	gate <- struct{}{}
	wg()
	sts, _ := g.Status()
	b.Reset()
	_ = Render(&b, sts, RenderOptions{Now: fc.Now(), Location: time.UTC})
	want = "● flaky: status: gave up @ 2015-01-01 00:00:24; 0 s ago --> result: Error: flaky\n" +
		"    ┗━► restart: gave up after 1 restarts\n"
	if b.String() != want {
		t.Fatalf("gave-up status:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestSnapshotJSONFieldNames(t *testing.T) {
	g, _ := newTestGroup(t)
	we := stateWaiter(t, g, "fail", Error)
	MustAdd(g, fail, "boom")
	we()
	sts, _ := g.Snapshot(SnapshotOptions{Debug: true})
	b, err := jsonMarshal(sts[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"fail"`, `"state":"error"`, `"result":"Error: boom"`, `"error":"boom"`, `"args":"boom"`, `"restart":"never"`, `"ended":"2015-01-01T00:00:19Z"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	if strings.Contains(string(b), "0001-01-01") || strings.Contains(string(b), "next_restart") {
		t.Errorf("JSON prints unset times: %s", b)
	}
	var back TaskStatus
	if err := json.Unmarshal(b, &back); err != nil || !back.Ended.Equal(sts[0].Ended) || !back.NextRestart.IsZero() {
		t.Errorf("round trip: %v %+v", err, back)
	}
	si, _ := json.Marshal(ScheduleInfo{Next: t0})
	if string(si) != `{"skipped":0,"next":"2015-01-01T00:00:19Z"}` {
		t.Errorf("schedule JSON %s", si)
	}
	var s State
	if err := s.UnmarshalText([]byte("gave-up")); err != nil || s != GaveUp {
		t.Fatal(s, err)
	}
	if err := s.UnmarshalText([]byte("zombie")); !errors.Is(err, ErrBadArgs) {
		t.Fatal(err)
	}
}

// The separator after a task's log lines fits a terminal of Width
// columns; without a Width it is the seed's 80 dashes.
func TestRenderSeparatorWidth(t *testing.T) {
	sts := []TaskStatus{{Name: "blink", State: Done, Log: []string{"a line"}}}
	for _, tc := range []struct {
		width int
		want  string
	}{
		{0, "<" + strings.Repeat("-", 80) + ">"},
		{40, "<" + strings.Repeat("-", 38) + ">"},
		{132, "<" + strings.Repeat("-", 130) + ">"},
	} {
		var b strings.Builder
		if err := Render(&b, sts, RenderOptions{Width: tc.width, Location: time.UTC}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), "a line\n"+tc.want+"\n") {
			t.Errorf("width %d: %q, want the separator %q", tc.width, b.String(), tc.want)
		}
	}
}

// Issue 12 item 3: a service's task that is loaded and not started (and on
// no schedule) reads "loaded"; a plain task, or one on a schedule, waiting
// for its first run reads "scheduled".
func TestRenderLoadedServiceTask(t *testing.T) {
	sts := []TaskStatus{
		{Name: "later.service", State: Scheduled, Service: &ServiceInfo{Type: "runtime.service"}},
		{Name: "plain", State: Scheduled},
		{Name: "world.service", State: Scheduled, Service: &ServiceInfo{Type: "schedule.service"},
			Schedule: &ScheduleInfo{Opts: "start_in=20s"}},
	}
	var b strings.Builder
	if err := Render(&b, sts, RenderOptions{Now: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"● later.service: status: loaded\n", "● plain: status: scheduled\n", "● world.service: status: scheduled\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}

// Issue 12 item 8: no Go type names in results: a typed error reads
// "Error: message" as errors.New's does.
func TestErrorTypeHasNoGoTypeName(t *testing.T) {
	typed := &ArgError{Msg: "bad pin"}
	if got := ErrorType(typed); got != "Error" {
		t.Errorf("ErrorType(*ArgError) = %q, want Error", got)
	}
	if got := describeError(typed); strings.Contains(got, "aioctl.") || !strings.HasPrefix(got, "Error: ") {
		t.Errorf("describeError(*ArgError) = %q", got)
	}
}
