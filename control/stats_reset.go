package control

// The reset cause of the stats document: why the machine last started,
// where the platform can tell. Linux tells it through a watchdog driver
// that reports the card's boot status (WDIOF_CARDRESET in its options);
// elsewhere, and with a driver that cannot tell, the document leaves it out.

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// watchdogDir is where Linux lists the watchdog devices (a variable for
// the tests).
var watchdogDir = "/sys/class/watchdog"

// The WDIOF_* status bits of linux/watchdog.h a bootstatus may carry.
const wdiofCardReset = 0x0020

var resetBits = []struct {
	bit  uint64
	name string
}{
	{wdiofCardReset, "watchdog"},
	{0x0001, "overheat"},
	{0x0002, "fan-fault"},
	{0x0004, "external-1"},
	{0x0008, "external-2"},
	{0x0010, "power-under"},
	{0x0040, "power-over"},
}

// resetCause is why the machine last started: "watchdog" (the watchdog
// reset it), the other causes a watchdog card reports ("overheat",
// "power-under", …, joined by ","), or "other" (not the watchdog: a
// power-on or a reboot, which Linux does not tell apart). It is "" when
// no watchdog here can report a card reset.
func resetCause() string {
	dirs, _ := filepath.Glob(filepath.Join(watchdogDir, "watchdog*"))
	sort.Strings(dirs)
	for _, dir := range dirs {
		opts, ok := readUint(filepath.Join(dir, "options"))
		if !ok || opts&wdiofCardReset == 0 {
			continue // this driver cannot say whether it reset the machine
		}
		status, ok := readUint(filepath.Join(dir, "bootstatus"))
		if !ok {
			continue
		}
		var names []string
		for _, b := range resetBits {
			if status&b.bit != 0 {
				names = append(names, b.name)
			}
		}
		if len(names) == 0 {
			return "other"
		}
		return strings.Join(names, ",")
	}
	return ""
}

// readUint reads a sysfs number, decimal or 0x-prefixed hex.
func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 0, 64)
	return n, err == nil
}
