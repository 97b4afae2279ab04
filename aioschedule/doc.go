// Package aioschedule starts the tasks of an aioctl.Group on schedules:
// once after a delay, at a point in time, every N after the previous
// planned run, or by a cron expression in a time zone.
//
//	g := aioctl.NewGroup()
//	s := aioschedule.New(g)
//	defer s.Close()
//
//	// The seed's schedule_task: add a deferred task and schedule it.
//	aioschedule.Add(s, world, nil, aioschedule.Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second},
//		aioctl.WithName("world"))
//
//	// Schedule a task that is already in the group, from its JSON config.
//	var spec aioschedule.Spec
//	json.Unmarshal([]byte(`{"cron": "0 3 * * *", "tz": "Europe/Berlin"}`), &spec)
//	err := s.Schedule("backup", spec)
//
// # Timing
//
// StartIn is measured from the moment the schedule is added (From "now",
// the default) or from the scheduler's start (From "start", as the seed's
// loop did). Repeat reruns the task every Repeat after the previous
// planned run (not after the moment it actually started, so runs do not
// drift); Repeat "true" in JSON means every StartIn. At is an RFC 3339
// time, or "HH:MM[:SS]" for the next such wall time in TZ. Cron is a
// 5-field expression or a descriptor (@hourly, @daily, @weekly,
// @monthly, @yearly, "@every 90s"), read in TZ (the local zone by default).
//
// Cron fields follow ISC cron (Debian's cron). Day of the week is 0-7,
// where 0 and 7 are both Sunday, in lists, ranges and steps alike
// ("0,7", "5-7/2", "MON,7"), or a name (sun … sat). A list item may not be
// empty ("1,,2" is refused), and neither may the expression: "cron": ""
// is an error, not "no cron". The day rule: when the day-of-month or the
// day-of-week field starts with "*" (or "?"), a day must match both
// fields; when both are restricted, a day matching either runs ("0 0 13
// * fri" runs on the 13th and on every Friday; "0 0 */2 * fri" only on
// Fridays with an odd date). "a/n" means a to the end of the field's
// range by n, as in robfig/cron.
//
// Durations (start_in, repeat, jitter, @every) follow aioctl's one rule:
// a number is seconds, a string a Go duration ("90s") or seconds ("90");
// a negative one, NaN, or one above aioctl.MaxDuration (100 years) is a
// *SpecError naming the key, wrapping aioctl.ErrBadDuration.
//
// Daylight saving time follows ISC cron: a wall time skipped by a
// spring-forward gap runs once, at the transition; a wall time that
// happens twice in a fall-back fold runs once, at its first occurrence.
// Expressions whose minute or hour field is a wildcard ("*", "*/15") run
// by elapsed time instead: they skip the gap and run through the fold.
// A spec that can never run (30 February, "0 0 31 4 *") is refused.
//
// # Runs
//
// A due run starts the task with Task.Trigger, only if it is not still
// running: otherwise the run is skipped and counted. Jitter delays each
// run by a random duration below it. A run that the scheduler reaches
// more than the miss tolerance late (the clock jumped, the machine slept)
// is missed: it is counted and logged, and runs once if the spec says
// CatchUp, however many runs were lost. A schedule added (or resumed)
// after its time was due runs at once, then keeps its timing.
//
// As in the seed, a user's stop of a task (Group.Stop) unschedules it
// unless Spec.Keep or WithKeepOnStop says otherwise; a user's start
// (Group.Start, Task.Start) reschedules it with its original timing.
// Deleting a task forgets its schedule.
//
// # Timers
//
// The scheduler keeps its schedules in a min-heap and sleeps on a single
// timer until the earliest run; adding, removing or changing a schedule
// re-arms it. Its one goroutine exists only while something is scheduled.
// It does not poll: it wakes only when a run is due, or after
// WithMaxSleep (default 15 minutes) to notice a suspend or a change of
// the system time; WithMaxSleep(0) turns that off.
//
// Adding or removing a schedule costs O(log n) in the number of schedules
// and one allocation; a schedule holds one record of about 200 bytes
// beside its task's. When many runs fall due at once the scheduler starts
// them in batches of 256, so that the first start while the rest are planned.
//
// # Status
//
// The scheduler fills in the schedule part of its tasks' status, which
// aioctl renders as
//
//	● world: status: done @ 2015-01-01 00:12:44; 48 s ago --> result:
//	    ┗━► schedule: last @ 2015-01-01 00:12:39 --> next in 37 s @ 2015-01-01 00:13:21
//
// and, in debug mode, "┗━► schedule opts: <Spec.String()> (skipped: N, missed: N)".
// A one-shot (StartIn or At without Repeat) that ran stays in status and
// List, marked Done ("done": true in JSON, no "next"), and its line reads
// "┗━► schedule: last @ <when it ran> --> done (one-shot: runs no more)".
// List returns every schedule; NextRuns the next n runs of one (the
// control verb "schedule next NAME N"); Spec.NextRuns previews a spec
// that is not scheduled. Schedule replaces a task's schedule only once
// the new spec has compiled, so a bad spec leaves the old one running.
//
// The package uses only the Go 1.23 standard library and the pure-Go
// github.com/robfig/cron/v3 field parser, so it builds under TinyGo. A
// board has no zoneinfo files: a Spec with TZ needs the program to import
// time/tzdata (about 450 KB of flash), or a schedule in UTC.
package aioschedule
