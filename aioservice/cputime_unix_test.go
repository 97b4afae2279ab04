//go:build unix

package aioservice

import (
	"syscall"
	"time"
)

// cpuTime is the process's CPU time (user and system, GC included). On a
// shared machine it varies far less than wall time, which also counts the
// time the benchmark waited for a core.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
