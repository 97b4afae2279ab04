package control

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A device's stats say why it last started when its watchdog can tell
// (the fleet issue asks for the reset cause), and say nothing otherwise.
func TestResetCauseFromTheWatchdog(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string // watchdog0/… → content
		want  string
	}{
		{"no watchdog", nil, ""},
		{"driver cannot tell", map[string]string{"options": "0x8180\n", "bootstatus": "32\n"}, ""},
		{"watchdog reset", map[string]string{"options": "0x81a0\n", "bootstatus": "32\n"}, "watchdog"},
		{"power-on or reboot", map[string]string{"options": "0x81a0\n", "bootstatus": "0\n"}, "other"},
		{"two causes", map[string]string{"options": "0x81a0\n", "bootstatus": "48\n"}, "watchdog,power-under"},
		{"unreadable status", map[string]string{"options": "0x81a0\n", "bootstatus": "junk\n"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.files != nil {
				wd := filepath.Join(dir, "watchdog0")
				if err := os.Mkdir(wd, 0o755); err != nil {
					t.Fatal(err)
				}
				for f, c := range tc.files {
					if err := os.WriteFile(filepath.Join(wd, f), []byte(c), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			old := watchdogDir
			watchdogDir = dir
			t.Cleanup(func() { watchdogDir = old })
			doc := hostStats(time.Now(), false)
			if doc.ResetCause != tc.want {
				t.Errorf("reset cause %q, want %q", doc.ResetCause, tc.want)
			}
			if text := renderStats(doc); tc.want != "" && !strings.Contains(text, "reset:      "+tc.want+"\n") {
				t.Errorf("stats text lacks the reset cause:\n%s", text)
			}
		})
	}
}
