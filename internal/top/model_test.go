package top

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/control/api"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata")

func TestMain(m *testing.M) {
	time.Local = time.UTC // absolute times in golden screens
	goleak.VerifyTestMain(m)
}

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// fake is a Source whose answers the test gives, and which records the
// verbs run.
type fake struct {
	mu     sync.Mutex
	ran    [][]string
	answer string
	events []api.Event
}

func (f *fake) Name() string { return "fake.sock" }
func (f *fake) Run(ctx context.Context, _ chan<- Snapshot) error {
	<-ctx.Done()
	return nil
}
func (f *fake) Exec(_ context.Context, device string, argv []string, _ api.Options) (*api.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, append([]string{device}, argv...))
	return &api.Response{OK: true, Text: f.answer}, nil
}
func (f *fake) Stream(ctx context.Context, device string, argv []string, fn func(api.Event) error) error {
	f.mu.Lock()
	f.ran = append(f.ran, append([]string{device}, argv...))
	evs := f.events
	f.mu.Unlock()
	for _, e := range evs {
		if err := fn(e); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

func (f *fake) runs() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ran)
}

// device is a program with the demo's kinds of tasks.
func device(name string, online bool) Snapshot {
	ago := func(s int) time.Time { return t0.Add(-time.Duration(s) * time.Second) }
	return Snapshot{Device: name, Online: online, Seen: ago(2),
		Stats: &api.Stats{Host: name, Version: "v1.4.0", UptimeSeconds: 3725, Goroutines: 19,
			Memory: api.Memory{HeapInuse: 3 << 20, Sys: 8 << 20},
			Disk:   &api.Disk{Used: 40 << 30, Total: 100 << 30},
			Log:    &api.LogUse{Budget: 1000, Used: 250}},
		Tasks: []api.TaskStatus{
			{Name: "blink", State: "running", Since: ago(64)},
			{Name: "answer", State: "done", Since: ago(70), Ended: ago(70), ResultText: "42"},
			{Name: "dofail", State: "error", Since: ago(70), Ended: ago(69), ResultText: "Error: division by zero"},
			{Name: "ticker.service", State: "running", Since: ago(3600), Service: &api.ServiceInfo{Stats: "ticks: 12\nlate: 0"}},
			{Name: "net.service", State: "error", Since: ago(30), Ended: ago(29), Service: &api.ServiceInfo{}, Error: "no link"},
			{Name: "sensor", State: "stopped", Since: ago(500), Ended: ago(400), Stats: json.RawMessage(`{"reads": 7, "last": {"temp": 21.5}}`)},
			{Name: "nightly", State: "scheduled"},
		}}
}

// screen sends msgs to a fresh model of w×h and returns it.
func screen(t *testing.T, src Source, color bool, w, h int, msgs ...tea.Msg) Model {
	t.Helper()
	m := New(src, Options{Color: color, Now: func() time.Time { return t0 }})
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for _, msg := range msgs {
		tm, _ = tm.Update(msg)
	}
	return tm.(Model)
}

func keys(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, key(string(r)))
	}
	return out
}

func key(k string) tea.Msg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("screen %s:\n%s\nwant:\n%s", name, got, want)
	}
}

// The screens a user sees, as text (NO_COLOR), at 80×24 and smaller.
func TestGoldenScreens(t *testing.T) {
	one := snapMsg(device("dev1", true))
	off := device("dev2", false)
	off.Err = "no program is listening on dev2.sock"
	off.Key = "dev2"
	cases := []struct {
		name string
		w, h int
		msgs []tea.Msg
	}{
		{"local-80x24", 80, 24, []tea.Msg{one}},
		{"local-moved-80x24", 80, 24, append([]tea.Msg{one}, keys("jjj")...)},
		{"absolute-times", 80, 24, append([]tea.Msg{one}, keys("t")...)},
		{"no-device-block", 80, 24, append([]tea.Msg{one}, keys("i")...)},
		{"sorted-by-status-desc", 80, 24, append([]tea.Msg{one}, keys("oO")...)},
		{"service-filter", 80, 24, append(append([]tea.Msg{one}, keys("$serv")...), key("enter"))},
		{"small-40x10", 40, 10, []tea.Msg{one}},
		{"tiny-20x4", 20, 4, []tea.Msg{one}},
		{"two-devices", 100, 30, []tea.Msg{one, snapMsg(off)}},
		{"device-filter", 100, 30, append([]tea.Msg{one, snapMsg(off)}, keys("/dev2")...)},
		{"help", 80, 24, append([]tea.Msg{one}, keys("?")...)},
		{"confirm-stop", 80, 24, append([]tea.Msg{one}, keys("S")...)},
		{"waiting", 80, 24, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := screen(t, &fake{}, false, tc.w, tc.h, tc.msgs...)
			got := m.View()
			lines := strings.Split(got, "\n")
			if len(lines) != tc.h {
				t.Errorf("%d lines, want %d", len(lines), tc.h)
			}
			for i, l := range lines {
				if w := len([]rune(l)); w > tc.w {
					t.Errorf("line %d is %d wide, more than %d: %q", i+1, w, tc.w, l)
				}
			}
			if strings.Contains(got, "\x1b") {
				t.Errorf("an escape sequence without colour: %q", got)
			}
			golden(t, tc.name, got)
		})
	}
}

// A device whose stats say why it last started shows it in its block.
func TestDeviceBlockShowsResetCause(t *testing.T) {
	d := device("dev1", true)
	d.Stats.ResetCause = "watchdog"
	if got := screen(t, &fake{}, false, 100, 24, snapMsg(d)).View(); !strings.Contains(got, "reset watchdog") {
		t.Errorf("no reset cause in the device block:\n%s", got)
	}
}

// A fleet screen with no device says so, naming the pattern: top is
// connected by then, and "waiting for mqtt://…" read as a broker that
// did not answer (--device 'zzz*' top).
func TestEmptyFleetSaysNoDeviceMatches(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"zzz*", `no device matching "zzz*" on mqtt://127.0.0.1:1883 (yet)`},
		{"", "no device on mqtt://127.0.0.1:1883 (yet)"},
	} {
		m := screen(t, &Fleet{Broker: "mqtt://127.0.0.1:1883", Pattern: tc.pattern}, false, 100, 20)
		if v := m.View(); !strings.Contains(v, tc.want) || strings.Contains(v, "waiting for") {
			t.Errorf("pattern %q:\n%s\nwant %q", tc.pattern, v, tc.want)
		}
	}
	if v := screen(t, &fake{}, false, 100, 20).View(); !strings.Contains(v, "waiting for fake.sock…") {
		t.Errorf("a local source waits for its socket:\n%s", v)
	}
}
