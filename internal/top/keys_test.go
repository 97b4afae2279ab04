package top

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/aiotools-go/aiotools/control/api"
)

// press sends msgs one at a time and returns the model and the last
// command (nil when the last key asked for nothing).
func press(t *testing.T, m Model, msgs ...tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	var tm tea.Model = m
	for _, msg := range msgs {
		tm, cmd = tm.Update(msg)
	}
	return tm.(Model), cmd
}

func bottom(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1]
}

// S asks first, and only y stops the selected task, on its device.
func TestStopAsksThenStops(t *testing.T) {
	src := &fake{answer: "stopped: blink\n"}
	m := screen(t, src, false, 80, 24, snapMsg(device("dev1", true)))
	m, _ = press(t, m, keys("j")...) // answer → blink
	m, cmd := press(t, m, keys("S")...)
	if got := bottom(m); got != "stop blink on dev1? [y/N]" {
		t.Fatalf("bottom line %q", got)
	}
	if cmd != nil {
		t.Fatal("S ran something before the y")
	}
	m, cmd = press(t, m, keys("y")...)
	if cmd == nil {
		t.Fatal("y ran nothing")
	}
	m, _ = press(t, m, cmd())
	if want := [][]string{{"dev1", "stop", "--", "blink"}}; !slices.EqualFunc(src.runs(), want, slices.Equal) {
		t.Errorf("ran %q, want %q", src.runs(), want)
	}
	if got := bottom(m); got != "stop blink: stopped: blink" {
		t.Errorf("bottom line after the stop %q", got)
	}
}

func TestConfirmOtherKeyCancels(t *testing.T) {
	src := &fake{}
	m := screen(t, src, false, 80, 24, snapMsg(device("dev1", true)))
	for _, k := range []string{"s", "S", "r"} {
		m2, _ := press(t, m, key(k))
		m2, cmd := press(t, m2, key("n"))
		if cmd != nil || bottom(m2) != "cancelled" {
			t.Errorf("%s then n: %q, a command: %v", k, bottom(m2), cmd != nil)
		}
	}
	if len(src.runs()) != 0 {
		t.Errorf("ran %q", src.runs())
	}
}

// Keys typed faster than read arrive as one message; each still counts.
func TestKeysInOneMessage(t *testing.T) {
	m := screen(t, &fake{}, false, 80, 24, snapMsg(device("dev1", true)))
	m, _ = press(t, m, key("jS"))
	if got := bottom(m); got != "stop blink on dev1? [y/N]" {
		t.Errorf("bottom line %q", got)
	}
}

// / and $ filter as typed; Enter keeps the filter, Esc clears it.
func TestFilters(t *testing.T) {
	m := screen(t, &fake{}, false, 80, 24, snapMsg(device("dev1", true)))
	m, _ = press(t, m, keys("$*.service")...)
	names := func(m Model) (out []string) {
		for _, r := range m.rows() {
			out = append(out, r.task)
		}
		return out
	}
	if got := names(m); !slices.Equal(got, []string{"net.service", "ticker.service"}) {
		t.Errorf("while typing: %q", got)
	}
	m, _ = press(t, m, key("enter"))
	if got := names(m); len(got) != 2 || !strings.Contains(bottom(m), "$*.service") {
		t.Errorf("after Enter: %q, bottom %q", got, bottom(m))
	}
	m, _ = press(t, m, key("$"), key("esc"))
	if got := names(m); len(got) != 7 {
		t.Errorf("after Esc: %q", got)
	}
	m, _ = press(t, m, keys("/nomatch")...)
	if got := names(m); len(got) != 0 || !strings.Contains(m.View(), "(no task matches)") {
		t.Errorf("device filter: %q", got)
	}
}

// Colours follow the status contract; NO_COLOR screens have none.
func TestStatusColours(t *testing.T) {
	m := screen(t, &fake{}, true, 100, 24, snapMsg(device("dev1", true)))
	v := m.View()
	for state, sgr := range map[string]string{"RUNNING": "\x1b[32m", "ERROR": "\x1b[31m", "FAILED": "\x1b[31m", "STOPPED": "\x1b[33m", "SCHEDULED": "\x1b[36m"} {
		if !strings.Contains(v, sgr+state) {
			t.Errorf("%s is not painted %q", state, sgr)
		}
	}
	if strings.Contains(v, "m\x1b[0mDONE") || strings.Contains(v, "\x1b[32mDONE") {
		t.Error("DONE is painted")
	}
}

// A task name or result cannot drive the terminal.
func TestHostileTextIsEscaped(t *testing.T) {
	d := device("dev\x1b[2J", true)
	d.Tasks[0].Name = "evil\x1b]0;pwned\x07"
	d.Tasks[0].ResultText = "\x1b[31mred\nline"
	m := screen(t, &fake{}, false, 120, 24, snapMsg(d))
	v := m.View()
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Errorf("raw control characters on the screen: %q", v)
	}
	if !strings.Contains(v, `evil\x1b]0;pwned\x07`) {
		t.Errorf("the name is not shown escaped: %q", v)
	}
}

func TestComplete(t *testing.T) {
	names := []string{"blink", "blob", "answer"}
	for _, tc := range []struct{ in, want, cands string }{
		{"sto", "stop ", ""},
		{"sta", "sta", "start  stats  status"},
		{"schedule l", "schedule list ", ""},
		{"stop b", "stop bl", "blink  blob"},
		{"stop bli", "stop blink ", ""},
		{"stop blink a", "stop blink answer ", ""},
		{"help x", "help x", ""},
	} {
		got, cands := complete(tc.in, names)
		if got != tc.want || cands != tc.cands {
			t.Errorf("complete(%q) = %q, %q; want %q, %q", tc.in, got, cands, tc.want, tc.cands)
		}
	}
}

// : runs any verb on the selected device and shows its answer; Tab completes.
func TestCommandLine(t *testing.T) {
	src := &fake{answer: "● blink: status: running\n    Task: main.blink\n"}
	m := screen(t, src, false, 80, 24, snapMsg(device("dev1", true)))
	m, _ = press(t, m, append(keys(":stat"), key("tab"))...)
	if got := bottom(m); got != ":stat█" {
		t.Errorf("after Tab: %q", got)
	}
	m, _ = press(t, m, append(keys("us bl"), key("tab"))...)
	m, cmd := press(t, m, key("enter"))
	if cmd == nil {
		t.Fatal("Enter ran nothing")
	}
	m, _ = press(t, m, cmd())
	if want := [][]string{{"dev1", "status", "blink"}}; !slices.EqualFunc(src.runs(), want, slices.Equal) {
		t.Errorf("ran %q, want %q", src.runs(), want)
	}
	if v := m.View(); !strings.Contains(v, "status blink") || !strings.Contains(v, "    Task: main.blink") {
		t.Errorf("the answer is not shown:\n%s", v)
	}
	m, _ = press(t, m, key("q"))
	if m.mode != modeTable {
		t.Errorf("q in the answer: mode %d", m.mode)
	}
}

// Enter shows the selected task's debug status.
func TestEnterShowsDebugStatus(t *testing.T) {
	src := &fake{answer: "● answer: status: done\n"}
	m := screen(t, src, false, 80, 24, snapMsg(device("dev1", true)))
	_, cmd := press(t, m, key("enter"))
	cmd()
	if want := [][]string{{"dev1", "status", "--debug", "--", "answer"}}; !slices.EqualFunc(src.runs(), want, slices.Equal) {
		t.Errorf("ran %q, want %q", src.runs(), want)
	}
}

// L follows the selected task's log; % filters the lines; q stops it.
func TestFollowLog(t *testing.T) {
	src := &fake{events: []api.Event{{Text: "LED toggled pin=2"}, {Text: "sensor read 7"}, {Text: "LED toggled pin=3"}}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	m := New(src, Options{Now: func() time.Time { return t0 }, Context: ctx})
	m, _ = press(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, snapMsg(device("dev1", true)), key("j"))
	m, cmd := press(t, m, key("L"))
	for range src.events {
		m, cmd = press(t, m, cmd())
	}
	v := m.View()
	if !strings.Contains(v, "log of blink") || !strings.Contains(v, "sensor read 7") {
		t.Errorf("log view:\n%s", v)
	}
	if want := []string{"dev1", "follow", "--task=blink", "--lines=20"}; !slices.Equal(src.runs()[0], want) {
		t.Errorf("ran %q, want %q", src.runs()[0], want)
	}
	m, _ = press(t, m, append(keys("%LED"), key("enter"))...)
	if v := m.View(); strings.Contains(v, "sensor read") || !strings.Contains(v, "pin=3") {
		t.Errorf("filtered log view:\n%s", v)
	}
	m, _ = press(t, m, key("q"))
	if m.mode != modeTable {
		t.Errorf("q in the log: mode %d", m.mode)
	}
}

// A new snapshot keeps the selection on the same task, wherever it moves.
func TestSelectionFollowsTheTask(t *testing.T) {
	m := screen(t, &fake{}, false, 80, 24, snapMsg(device("dev1", true)), key("j"), key("j")) // dofail
	d := device("dev1", true)
	d.Tasks = append([]api.TaskStatus{{Name: "aaa", State: "running"}}, d.Tasks...)
	m, _ = press(t, m, snapMsg(d))
	if r, _ := m.selected(); r.task != "dofail" {
		t.Errorf("selected %q after the update", r.task)
	}
}

func TestFlatStats(t *testing.T) {
	for _, tc := range []struct {
		t    api.TaskStatus
		want string
	}{
		{api.TaskStatus{Stats: []byte(`{"b": 1, "a": {"x": "s", "y": [1,2]}}`)}, "a.x=s | a.y=[1,2] | b=1"},
		{api.TaskStatus{Stats: []byte(`7`)}, "value=7"},
		{api.TaskStatus{StatsError: "panic: boom"}, "stats error: panic: boom"},
		{api.TaskStatus{Service: &api.ServiceInfo{Stats: "a: 1\nb: 2"}, Stats: []byte(`{"c": 3}`)}, "a: 1 b: 2"},
	} {
		if got := flatStats(tc.t); got != tc.want {
			t.Errorf("flatStats(%s) = %q, want %q", tc.t.Stats, got, tc.want)
		}
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00:00", 4 * time.Second: "0:00:04", 3725 * time.Second: "1:02:05", 26 * time.Hour: "1d 2:00:00", -time.Second: "0:00:00"} {
		if got := ago(d); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}

// Every verb top runs by name is in the verb table.
func TestVerbsAreInTheTable(t *testing.T) {
	for _, v := range []string{verbStatus, verbStats, verbWatch, verbFollow, verbStart, verbStop, verbRestart} {
		if _, ok := api.LookupVerb(v); !ok {
			t.Errorf("%q is not a verb", v)
		}
	}
}

// n/p/N/P page through the devices: as many device blocks as fit beside
// the table, and the table shows the tasks of the page's devices.
func TestPages(t *testing.T) {
	var msgs []tea.Msg
	for i := range 10 {
		msgs = append(msgs, snapMsg(device("dev"+string(rune('0'+i)), true)))
	}
	m := screen(t, &fake{}, false, 80, 24, msgs...) // 4 devices a page
	devices := func(m Model) (out []string) {
		page, _ := m.shownDevices()
		for _, d := range page {
			out = append(out, d.Device)
		}
		return out
	}
	for _, tc := range []struct {
		key  string
		want []string
		page string
	}{
		{"", []string{"dev0", "dev1", "dev2", "dev3"}, "page 1/3"},
		{"n", []string{"dev4", "dev5", "dev6", "dev7"}, "page 2/3"},
		{"N", []string{"dev8", "dev9"}, "page 3/3"},
		{"n", []string{"dev8", "dev9"}, "page 3/3"},
		{"p", []string{"dev4", "dev5", "dev6", "dev7"}, "page 2/3"},
		{"P", []string{"dev0", "dev1", "dev2", "dev3"}, "page 1/3"},
	} {
		if tc.key != "" {
			m, _ = press(t, m, key(tc.key))
		}
		v := m.View()
		if got := devices(m); !slices.Equal(got, tc.want) || !strings.Contains(v, tc.page) {
			t.Errorf("after %q: %q, want %q and %q in\n%s", tc.key, got, tc.want, tc.page, v)
		}
		if r, _ := m.selected(); r.device != tc.want[0] && tc.key != "" {
			t.Errorf("after %q: the selection %q is not on the page", tc.key, r.device)
		}
	}
}
