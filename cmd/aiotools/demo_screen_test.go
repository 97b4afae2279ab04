package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/internal/tmuxtest"
)

var headerRE = regexp.MustCompile(`^aiotools demo · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · (\d+) tasks: \d+ running(, \d+ [a-z-]+)* · socket \S+demo\.sock · aioctl status / aioctl shell to steer$`)

// Piped, the demo prints its status rounds one after another, each after a
// blank line and a header (on lines that fit 80 columns) that tells the time, the tasks per state, the
// socket and how to steer it; no escape sequence at all.
func TestDemoPipedPrintsAHeaderPerRound(t *testing.T) {
	out := runUntilFunc(t, demoConfig{Every: 20 * time.Millisecond}, func(out string) bool {
		return strings.Count(out, steerHint) >= 3
	})
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape sequences in piped output:\n%q", out)
	}
	lines := strings.Split(out, "\n")
	rounds := 0
	for i, l := range lines {
		if !strings.HasPrefix(l, "aiotools demo · ") {
			continue
		}
		// The header's parts are on as many lines as 80 columns need.
		end := i
		for end < len(lines)-1 && !strings.Contains(lines[end], steerHint) {
			end++
		}
		l = strings.Join(lines[i:end+1], " · ")
		m := headerRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("header %q does not match %v", l, headerRE)
		}
		if i == 0 || lines[i-1] != "" {
			t.Errorf("header %q does not follow a blank line", l)
		}
		// The count is the round's: one ● line per task, up to the next round.
		n := 0
		for _, s := range lines[end+1:] {
			if strings.HasPrefix(s, "aiotools demo · ") || s == "stopping…" {
				break
			}
			if strings.HasPrefix(s, "● ") {
				n++
			}
		}
		if strconv.Itoa(n) != m[1] {
			t.Errorf("header says %s tasks, the round shows %d", m[1], n)
		}
		rounds++
	}
	if rounds < 3 {
		t.Fatalf("%d rounds:\n%s", rounds, out)
	}
}

// On a terminal each round redraws the screen from its top (cursor home,
// clear to the end), fits it above the last row (the status is cut, saying
// how much), and the separator is as wide as the terminal. The last row is
// the neopixel strip's: it draws there, the cursor saved and restored.
func TestDemoTerminalRedrawsInPlace(t *testing.T) {
	const width, height = 70, 40
	size := func() (int, int, bool) { return width, height, true }
	stripFrame := regexp.MustCompile("\x1b7\x1b\\[40;1Hneopixel (\x1b\\[[0-9;]*m█+)+\x1b\\[0m\x1b\\[K\x1b8")
	out := runUntilFunc(t, demoConfig{Every: 20 * time.Millisecond, Color: true, Size: size}, func(out string) bool {
		return strings.Count(out, cursorHome) >= 3 && stripFrame.MatchString(out)
	})
	out = stripFrame.ReplaceAllString(out, "") // frames come between rounds
	rounds := strings.Split(out, cursorHome)
	round := rounds[1] // a whole round: the one after it has begun
	if !strings.HasPrefix(round, clearToEnd+sgrBold+"aiotools demo · ") {
		t.Fatalf("the round does not clear the screen and start with the header:\n%q", round)
	}
	rows := 0
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m")
	for _, l := range strings.Split(strings.TrimPrefix(strings.TrimSuffix(round, "\n"), clearToEnd), "\n") {
		n := utf8.RuneCountInString(sgr.ReplaceAllString(l, ""))
		rows += max(1, (n+width-1)/width)
	}
	if rows > height-1 {
		t.Errorf("the round takes %d rows of a %d-row terminal, the strip's row included:\n%s", rows, height, round)
	}
	if !regexp.MustCompile(`… \d+ more lines: aioctl status shows them all$`).MatchString(round) {
		t.Errorf("the cut round does not say how many lines it left out:\n%s", round)
	}
	if !strings.Contains(round, "\n<"+strings.Repeat("-", width-2)+">\n") {
		t.Errorf("no separator %d columns wide:\n%s", width, round)
	}
	if !strings.Contains(round, "\x1b[32m●") {
		t.Errorf("no green dot on a colour terminal:\n%q", round)
	}
}

// NO_COLOR, set to anything, turns the colours off; off a terminal there
// are none anyway.
func TestDemoColorHonoursNoColor(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "NO_COLOR" {
				return v
			}
			return ""
		}
	}
	if wantColor(&strings.Builder{}, env("")) {
		t.Error("colour into a pipe")
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err == nil && terminalSize(tty) != nil {
		defer tty.Close()
		if wantColor(tty, env("1")) {
			t.Error("colour with NO_COLOR=1")
		}
	}
}

// The real thing on a terminal: the header on the screen's first line
// (redrawn in place, not scrolled), green dots, and none with NO_COLOR.
func TestDemoOnATerminal(t *testing.T) {
	tmux := tmuxtest.Need(t)
	bin := buildAiotools(t)
	for _, noColor := range []string{"", "1"} {
		sock := privateSocket(t)
		s := tmuxtest.New(t, tmux, 120, 30, "NO_COLOR="+noColor+" TERM=xterm-256color "+bin+" demo -every 100ms -socket "+sock)
		s.WaitFor("a round of status at the top of the screen", func(sc string) bool {
			first, _, _ := strings.Cut(sc, "\n")
			return strings.HasPrefix(first, "aiotools demo · ") && strings.Contains(sc, "● blink: status: running")
		})
		esc := s.ScreenEscapes()
		green := strings.Contains(esc, "\x1b[32m●")
		if noColor == "" && !green {
			t.Errorf("no green dot on the terminal:\n%q", esc)
		}
		if noColor != "" && strings.Contains(esc, "\x1b[3") {
			t.Errorf("colours with NO_COLOR=%s:\n%q", noColor, esc)
		}
		s.Keys("C-c")
		s.WaitGone()
	}
}

// privateSocket is a control socket path in a private directory of the
// test's, so a demo running on the machine is no obstacle.
func privateSocket(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "demo.sock")
}

// A round on a terminal never takes more rows than the terminal has (the
// header and the count of the lines left out included), and keeps the
// status's lines whole and in order.
func FuzzStatusRoundFits(f *testing.F) {
	f.Add("● blink: status: running since 2026-11-30 17:20:20; 0 s ago\n<---->\n", uint8(80), uint8(24))
	f.Add(strings.Repeat("a line that is long enough to wrap on a narrow terminal\n", 50), uint8(20), uint8(10))
	f.Add("", uint8(1), uint8(2))
	f.Add("x\n\n\ny", uint8(200), uint8(3))
	f.Fuzz(func(t *testing.T, status string, w, h uint8) {
		if !utf8.ValidString(status) || strings.ContainsAny(status, "\x1b\r\t") {
			t.Skip() // Render escapes every control character of a status
		}
		const header = "aiotools demo · 2026-11-30 17:20:21 · 13 tasks · aioctl status / aioctl shell to steer"
		width, height := int(w)+1, int(h)+1
		need := rowsOf(header, width) + rowsOf(fmt.Sprintf(moreLinesOf, strings.Count(status, "\n")+1), width)
		if height < need {
			t.Skip() // no room for the header and the count: nothing fits
		}
		round := statusRound(header, status, false, width, height)
		body, ok := strings.CutPrefix(round, cursorHome+clearToEnd+header+"\n")
		if !ok {
			t.Fatalf("round %q does not start with the header", round)
		}
		rows := rowsOf(header, width)
		for _, l := range strings.SplitAfter(body, "\n") {
			if l != "" {
				rows += rowsOf(strings.TrimSuffix(l, "\n"), width)
			}
		}
		if rows > height {
			t.Fatalf("%d rows on a %dx%d terminal:\n%s", rows, width, height, round)
		}
		kept, _, _ := strings.Cut(body, "… ")
		if !strings.HasPrefix(status, kept) {
			t.Fatalf("the round's status %q is not the start of %q", kept, status)
		}
	})
}
