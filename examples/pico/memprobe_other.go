//go:build memprobe && !(linux && !tinygo)

package main

// printRSS: a board has no process to measure; the heap figures say it.
func printRSS() {}
