package api

import (
	"encoding/json"
	"time"
)

// Paths of the stats document and the Prometheus exposition on the
// control server (GET, behind the same peer, token and limit checks as
// the API).
const (
	// PathStats answers GET with the stats document (Stats).
	PathStats = "/stats"
	// PathStatsDebug answers GET with the stats document in debug form
	// (task functions and arguments, build settings, recent GC pauses).
	PathStatsDebug = "/stats/debug"
	// PathMetrics answers GET with Prometheus metrics, when the program
	// mounts them (package aiometrics).
	PathMetrics = "/metrics"
)

// Stats is the stats verb's JSON document (stats -o json, GET /stats):
// the program as numbers, modelled on asyncmd's stats service. It is a
// plain wire type (standard library only) so that every reader, the
// fleet bridge included, decodes the same shape. Byte counts are bytes,
// durations nanoseconds unless the name says otherwise.
type Stats struct {
	Host      string `json:"host"`
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	PID       int    `json:"pid"`
	// Time is when the document was made; StartedAt when the program
	// started; UptimeSeconds the difference.
	Time          time.Time `json:"time"`
	StartedAt     time.Time `json:"started_at"`
	UptimeSeconds float64   `json:"uptime_s"`
	Goroutines    int       `json:"goroutines"`
	Memory        Memory    `json:"memory"`
	GC            GC        `json:"gc"`
	// Disk is the file system of the working directory (absent where the
	// platform cannot say).
	Disk *Disk `json:"disk,omitempty"`
	// ResetCause is why the machine last started, where the platform can
	// tell (absent otherwise): "watchdog", "other" (a power-on or a
	// reboot), or what else a Linux watchdog card reports ("overheat",
	// "power-under", …, joined by ",").
	ResetCause string `json:"reset_cause,omitempty"`
	// Log is the ring log's use (absent when the program has none).
	Log *LogUse `json:"log,omitempty"`
	// Tasks holds the matching tasks, by name.
	Tasks map[string]TaskStats `json:"tasks"`
	// Debug is set in the debug form only.
	Debug *StatsDebug `json:"debug,omitempty"`
	// Omitted says what a size-bounded copy of the document left out (the
	// fleet's retained stats topic: "task details", "tasks"); the stats
	// verb's own document is always whole and leaves it empty.
	Omitted string `json:"omitted,omitempty"`
}

// Memory is the Go runtime's memory figures (runtime.MemStats), in bytes.
type Memory struct {
	// HeapAlloc is the bytes of live and not yet collected heap objects.
	HeapAlloc uint64 `json:"heap_alloc_bytes"`
	// HeapInuse is the bytes of heap spans in use.
	HeapInuse uint64 `json:"heap_inuse_bytes"`
	// Sys is the bytes obtained from the operating system.
	Sys uint64 `json:"sys_bytes"`
	// TotalAlloc is the bytes allocated since the start (it only grows).
	TotalAlloc uint64 `json:"total_alloc_bytes"`
}

// GC is the garbage collector's figures.
type GC struct {
	Count uint32 `json:"count"`
	// PauseTotal and LastPause are stop-the-world pause times.
	PauseTotal time.Duration `json:"pause_total_ns"`
	LastPause  time.Duration `json:"last_pause_ns"`
	// Last is when the last collection ended (absent before the first).
	Last time.Time `json:"last,omitzero"`
}

// Disk is the use of the file system that holds Path.
type Disk struct {
	Path  string `json:"path"`
	Total uint64 `json:"total_bytes"`
	Used  uint64 `json:"used_bytes"`
	// Free is what an unprivileged program may still use.
	Free uint64 `json:"free_bytes"`
}

// LogUse is the ring log's accounting.
type LogUse struct {
	// Budget is the ring's size; Used the bytes its live lines hold.
	Budget int `json:"budget_bytes"`
	Used   int `json:"used_bytes"`
	// Lines is the live lines; Written every line the ring took;
	// Evicted those pushed out to make room (the ring's normal turnover).
	Lines   int    `json:"lines"`
	Written uint64 `json:"lines_written"`
	Evicted uint64 `json:"lines_evicted"`
	// Dropped counts lines lost: refused by the rate limit, or not copied
	// to the copy writer because its queue was full.
	Dropped uint64 `json:"lines_dropped"`
}

// TaskStats is one task in the stats document, with asyncmd's keys.
type TaskStats struct {
	// Status is the state's name (running, done, error, …).
	Status string `json:"status"`
	// Result is the result as status prints it; Error the last error.
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	// DoneAt is when the last run ended (absent while the first runs);
	// Since when the current or last run started.
	DoneAt time.Time `json:"done_at,omitzero"`
	Since  time.Time `json:"since,omitzero"`
	// Service says whether the task is a service's (services.config).
	Service  bool `json:"service"`
	Restarts int  `json:"restarts"`
	// Stats is what the task reports about itself (its Stats()), as JSON;
	// StatsError says why it could not.
	Stats      json.RawMessage `json:"stats,omitempty"`
	StatsError string          `json:"stats_error,omitempty"`
	Schedule   *ScheduleInfo   `json:"schedule,omitempty"`
	// Func and Args are in the debug form only.
	Func string          `json:"func,omitempty"`
	Args json.RawMessage `json:"args,omitempty"`
}

// StatsDebug is what the debug form adds.
type StatsDebug struct {
	GOMAXPROCS int `json:"gomaxprocs"`
	NumCPU     int `json:"num_cpu"`
	// RecentPauses are the last GC pauses, newest first (up to 16).
	RecentPauses []time.Duration `json:"recent_gc_pauses_ns"`
	// Module is the main module's path; Settings the build settings
	// (GOOS, GOARCH, vcs.revision, …).
	Module   string            `json:"module,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
}
