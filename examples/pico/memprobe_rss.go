//go:build memprobe && linux && !tinygo

package main

import (
	"fmt"
	"os"
	"strings"
)

// printRSS prints the process's resident set (VmRSS, VmHWM) on Linux.
func printRSS() {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS") || strings.HasPrefix(l, "VmHWM") {
			fmt.Println("memprobe:", strings.Join(strings.Fields(l), " "))
		}
	}
}
