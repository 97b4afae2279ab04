package control

// The stats verb and its document (api.Stats): the program's runtime
// figures and each task's state and own stats, from the same snapshot
// status takes. GET /stats serves the same document (stats_http.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control/api"
)

// StatsData is the stats verb's JSON result (api.Stats).
type StatsData = api.Stats

// processStart is when this program started (as near as a package
// variable gets): uptime is counted from it.
var processStart = time.Now()

func runStats(ctx context.Context, in *Interp, c *call) (*Result, error) {
	debug := c.has("debug")
	doc, err := in.Stats(debug, c.args...)
	res := &Result{Exit: ExitOK}
	switch {
	case c.opt.JSON:
		res.Data = doc
	case err != nil && len(doc.Tasks) == 0:
		// Nothing matched: the error alone, as status gives it (the
		// host block above it read as an answer).
	default:
		res.Text = renderStats(doc)
	}
	return res, oneLine(err)
}

// Stats returns the stats document of the tasks matching the patterns
// (all when none is given); debug adds task functions and arguments, build
// settings and recent GC pauses. A pattern that matches nothing gives an
// error beside the document of the others. Each task's Stats() is called
// once, and one that panics, or blocks past the group's stats timeout
// (aioctl.WithStatsTimeout), marks only its own entry (StatsError).
func (in *Interp) Stats(debug bool, patterns ...string) (*api.Stats, error) {
	// One log line, the fewest a snapshot takes: stats shows none.
	sts, err := in.c.Group.Snapshot(aioctl.SnapshotOptions{Debug: debug, LogLines: 1}, patterns...)
	doc := hostStats(time.Now(), debug)
	if in.c.Log != nil {
		doc.Log = logUse(in.c.Log.Stats())
	}
	doc.Tasks = make(map[string]api.TaskStats, len(sts))
	for i := range sts {
		doc.Tasks[sts[i].Name] = taskStats(&sts[i], debug)
	}
	return doc, err
}

// hostStats is the document without its tasks and log.
func hostStats(now time.Time, debugForm bool) *api.Stats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	host, _ := os.Hostname()
	doc := &api.Stats{
		Host: host, Version: version(), GoVersion: runtime.Version(), PID: os.Getpid(),
		Time: now, StartedAt: processStart, UptimeSeconds: now.Sub(processStart).Seconds(),
		Goroutines: runtime.NumGoroutine(),
		Memory:     api.Memory{HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, Sys: ms.Sys, TotalAlloc: ms.TotalAlloc},
		GC:         api.GC{Count: ms.NumGC, PauseTotal: time.Duration(ms.PauseTotalNs)},
	}
	if ms.NumGC > 0 {
		doc.GC.LastPause = time.Duration(ms.PauseNs[(ms.NumGC+255)%256])
		doc.GC.Last = time.Unix(0, int64(ms.LastGC))
	}
	if wd, err := os.Getwd(); err == nil {
		doc.Disk = diskUse(wd)
	}
	doc.ResetCause = resetCause()
	if debugForm {
		d := &api.StatsDebug{GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), RecentPauses: []time.Duration{}}
		for i := uint32(0); i < ms.NumGC && i < 16; i++ {
			d.RecentPauses = append(d.RecentPauses, time.Duration(ms.PauseNs[(ms.NumGC-i+255)%256]))
		}
		if bi, ok := debug.ReadBuildInfo(); ok {
			d.Module = bi.Main.Path
			d.Settings = map[string]string{}
			for _, s := range bi.Settings {
				d.Settings[s.Key] = s.Value
			}
		}
		doc.Debug = d
	}
	return doc
}

// version is the main module's version as the build recorded it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func logUse(s aiolog.Stats) *api.LogUse {
	return &api.LogUse{Budget: s.Budget, Used: s.Used, Lines: s.Lines,
		Written: s.NextSeq - 1, Evicted: s.Evicted, Dropped: s.Suppressed + s.CopyDropped}
}

func taskStats(st *aioctl.TaskStatus, debug bool) api.TaskStats {
	ts := api.TaskStats{Status: st.State.String(), Result: st.ResultText, Error: st.Error,
		Since: st.Since, Service: st.Service != nil, Restarts: st.Restarts,
		Stats: st.Stats, StatsError: st.StatsError}
	if !st.State.Active() {
		ts.DoneAt = st.Ended
	}
	if s := st.Schedule; s != nil {
		ts.Schedule = &api.ScheduleInfo{Last: s.Last, Next: s.Next, Opts: s.Opts, Skipped: s.Skipped, Missed: s.Missed, Paused: s.Paused, Done: s.Done}
	}
	if debug {
		ts.Func, ts.Args = st.Func, st.Args
	}
	return ts
}

// renderStats is the stats verb's text: a header of runtime figures, then
// one line per task with its own stats as key=value.
func renderStats(d *api.Stats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "host:       %s  pid %d  %s  %s  up %s\n", esc(d.Host), d.PID, esc(d.Version), d.GoVersion,
		time.Duration(d.UptimeSeconds*float64(time.Second)).Round(time.Second))
	fmt.Fprintf(&b, "memory:     heap %s  in use %s  sys %s  goroutines %d\n",
		FormatBytes(d.Memory.HeapAlloc), FormatBytes(d.Memory.HeapInuse), FormatBytes(d.Memory.Sys), d.Goroutines)
	fmt.Fprintf(&b, "gc:         %d runs  pauses %s  last %s\n", d.GC.Count, d.GC.PauseTotal, d.GC.LastPause)
	if k := d.Disk; k != nil {
		fmt.Fprintf(&b, "disk:       %s used of %s (%s free) at %s\n", FormatBytes(k.Used), FormatBytes(k.Total), FormatBytes(k.Free), esc(k.Path))
	}
	if d.ResetCause != "" {
		fmt.Fprintf(&b, "reset:      %s\n", esc(d.ResetCause))
	}
	if l := d.Log; l != nil {
		fmt.Fprintf(&b, "log:        %s of %s  %d lines  %d written  %d evicted  %d dropped\n",
			FormatBytes(uint64(l.Used)), FormatBytes(uint64(l.Budget)), l.Lines, l.Written, l.Evicted, l.Dropped)
	}
	if dd := d.Debug; dd != nil {
		fmt.Fprintf(&b, "runtime:    GOMAXPROCS %d  CPUs %d  recent GC pauses %v\n", dd.GOMAXPROCS, dd.NumCPU, dd.RecentPauses)
		b.WriteString(buildLine(dd))
	}
	names := make([]string, 0, len(d.Tasks))
	width := 4
	for n := range d.Tasks {
		names = append(names, n)
		width = max(width, len(esc(n)))
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "tasks:      %d\n", len(names))
	var line strings.Builder
	for _, n := range names {
		t := d.Tasks[n]
		line.Reset()
		fmt.Fprintf(&line, "  %-*s  %-10s", width, esc(n), t.Status)
		if t.Restarts > 0 {
			fmt.Fprintf(&line, "  restarts=%d", t.Restarts)
		}
		if s := t.Schedule; s != nil && (s.Skipped > 0 || s.Missed > 0) {
			fmt.Fprintf(&line, "  skipped=%d missed=%d", s.Skipped, s.Missed)
		}
		if kv := statsKV(t.Stats); kv != "" {
			line.WriteString("  " + kv)
		}
		if t.StatsError != "" {
			line.WriteString("  " + esc(firstLine(t.StatsError)))
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if t.Func != "" || len(t.Args) > 0 {
			// The debug form: what runs, with what (as -o json has them).
			fmt.Fprintf(&b, "    func %s  args %s\n", esc(orSay(t.Func, "?")), esc(orSay(string(t.Args), "-")))
		}
	}
	return b.String()
}

// buildLine is the debug form's build: the main module and the build
// settings that have a value as key=value, sorted, escaped (a -ldflags
// value is anyone's).
func buildLine(dd *api.StatsDebug) string {
	keys := make([]string, 0, len(dd.Settings))
	for k, v := range dd.Settings {
		if v != "" { // CGO_CFLAGS= and the like: noise on a line for people
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("build:      " + esc(orSay(dd.Module, "(unknown module)")))
	for _, k := range keys {
		b.WriteString("  " + esc(k) + "=" + esc(dd.Settings[k]))
	}
	return b.String() + "\n"
}

// statsKV prints a JSON object as "k=v k=v" (keys sorted, values compact
// JSON but for strings), and anything else as its compact JSON.
func statsKV(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return esc(string(raw))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := string(m[k])
		var s string
		if json.Unmarshal(m[k], &s) == nil && !strings.ContainsAny(s, " \t\n") {
			v = s
		}
		parts[i] = esc(k) + "=" + esc(v)
	}
	return strings.Join(parts, " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// FormatBytes prints a byte count for people: 512 B, 3.2 KiB, 12.0 MiB.
func FormatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " B"
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
