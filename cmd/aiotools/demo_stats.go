package main

import (
	"runtime"
	"strconv"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// statsWidth is the most columns the demo's stats line takes.
const statsWidth = 80

// statsLine is the second line of the demo's status header: memory,
// goroutines and the ring log's use, at most statsWidth columns (the
// parts that do not fit are left out, the least useful first).
//
//	mem 1.9 MiB heap, 12.5 MiB sys · 18 goroutines · log 9.6 KiB of 256.0 KiB (3%)
func statsLine(heap, sys uint64, goroutines int, log *aiolog.Stats) string {
	mem := "mem " + control.FormatBytes(heap) + " heap, " + control.FormatBytes(sys) + " sys"
	gr := strconv.Itoa(goroutines) + " goroutines"
	line := mem + headerSep + gr
	if log != nil {
		pct := 0
		if log.Budget > 0 {
			pct = log.Used * 100 / log.Budget
		}
		l := "log " + control.FormatBytes(uint64(log.Used)) + " of " + control.FormatBytes(uint64(log.Budget)) + " (" + strconv.Itoa(pct) + "%)"
		if dropped := log.Suppressed + log.CopyDropped; dropped > 0 {
			if withDrop := l + ", " + strconv.FormatUint(dropped, 10) + " dropped"; runeLen(line+headerSep+withDrop) <= statsWidth {
				l = withDrop
			}
		}
		if runeLen(line+headerSep+l) <= statsWidth {
			line += headerSep + l
		} else if short := "log " + strconv.Itoa(pct) + "%"; runeLen(line+headerSep+short) <= statsWidth {
			line += headerSep + short
		}
	}
	return line
}

func runeLen(s string) int { return len([]rune(s)) }

// demoStatsLine reads the figures statsLine shows.
func (d *demo) demoStatsLine() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ls *aiolog.Stats
	if d.ring != nil {
		s := d.ring.Stats()
		ls = &s
	}
	return statsLine(ms.HeapAlloc, ms.Sys, runtime.NumGoroutine(), ls)
}
