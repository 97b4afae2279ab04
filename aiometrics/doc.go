// Package aiometrics exposes a program's tasks, schedules, ring log and
// control requests as Prometheus metrics, with
// github.com/prometheus/client_golang.
//
//	in, _ := control.NewInterp(control.Components{Group: g, Log: ring, Scheduler: sched})
//	m := aiometrics.New(in)
//	defer m.Close()
//	srv, _ := control.NewServer(control.Config{Interp: in, Mount: m.Mount}) // GET /metrics
//	l, _ := m.Listen(aiometrics.ListenConfig{Addr: "127.0.0.1:9464"})      // a scraper's port
//
// # Metrics
//
// Counters and histograms come from events, as they happen: the group's
// state changes (aioctl.Group.Watch), the scheduler's fires
// (aioschedule.Scheduler.ObserveFires) and the interpreter's requests
// (control.Interp.ObserveRequests). Gauges, and the counters the core
// already keeps, are read at scrape time from snapshots. Nothing polls.
// Events before New are not seen, but a task already failed when New runs
// (aiotools run and demo make the metrics after the boot) counts one
// failure, so that aiotools_tasks{state="error"} and the failures agree.
//
//	aiotools_tasks{state}                            gauge: tasks per state (all eight states, zeros included)
//	aiotools_task_restarts_total{task}               restarts by the restart policy
//	aiotools_task_failures_total{task}               runs that ended in state error (errors and panics)
//	aiotools_task_run_duration_seconds               histogram: how long task runs lasted, start to end ({task} with WithTaskRunDurations)
//	aiotools_schedule_fire_lateness_seconds          histogram: scheduled start minus planned time
//	aiotools_schedule_runs_skipped_total{task}       due runs not started: the task still ran
//	aiotools_schedule_runs_missed_total{task}        runs lost to a clock jump or a sleeping machine
//	aiotools_log_budget_bytes, aiotools_log_used_bytes, aiotools_log_lines
//	aiotools_log_lines_written_total, aiotools_log_lines_evicted_total, aiotools_log_lines_dropped_total
//	aiotools_control_requests_total{verb,code}       commands by verb (a table name, or "unknown") and code ("ok" or an error code)
//
// plus the Go runtime collector (go_*) and the process collector
// (process_*). Labels take bounded values only: task names (escaped as
// aioctl prints them, \x1b for ESC, so a scrape read on a terminal cannot
// steer it; a deleted task's series go with it), state names, verb names of the table, error
// codes. Per-task series exist only for tasks that failed, restarted or
// are scheduled, and the run-duration histogram is one for all tasks: a
// scrape of a program with 1,000 tasks stays a few milliseconds.
//
// # Serving
//
// Mount adds GET /metrics to a control server's mux (control.Config.Mount):
// the same peer, token and limit checks as the API. Listen serves the
// metrics on an address of their own for a scraper: loopback only, unless
// both a token (scrapers send "Authorization: Bearer TOKEN") and TLS are
// configured, as for the control server's TCP listener.
//
// aiometrics sits above control and is never imported by the core: a
// program that does not want Prometheus does not link it.
package aiometrics
