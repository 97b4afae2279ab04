// Package aioctl runs named goroutine tasks that a long-running program can
// see and steer: stop, start again, restart, delete, inspect their state,
// result, error and panic stack, and edit their arguments, one name or a
// '*' pattern at a time. It is the Go form of mpy-aiotools' aioctl.
//
// A task is a Func that takes a context.Context and typed arguments:
//
//	g := aioctl.NewGroup()
//	aioctl.Add(g, blink, BlinkArgs{Pin: 2, Sleep: 5 * time.Second})
//	g.Stop(ctx, "blink")            // cancels its context and waits for it
//	g.SetArgsJSON([]byte(`{"sleep":"3s"}`), "blink")
//	g.Start("blink")                // runs again with the new arguments
//	g.WriteStatus(os.Stdout, false) // ● blink: status: running since …
//
// # A task's context
//
// Each start of a task (its run and the restarts that follow) gets one
// context, a small struct of this package rather than context.WithCancel
// with a done channel and a value: a task's whole life (add, run, record)
// is a handful of allocations, which matters to a scheduler that starts
// thousands at one instant. It behaves as a context.WithCancel child of the
// group's context (WithContext): Done is closed by a stop or when the
// group's context ends, Err is context.Canceled (or the group context's
// error), FromContext finds the task, other values come from the group's
// context. Its Done channel is made only when asked for. It has an
// AfterFunc method, so context.WithCancel, WithTimeout and AfterFunc on it
// register with it instead of starting a goroutine each to watch it, and
// its cancel reaches them at once. context.Cause of it is its Err, or the
// group context's cause when that ended it (before Go 1.24, Cause of a
// stopped task in a group with a cancelable context that is still live is
// nil: a limit of Cause for contexts outside the context package).
//
// # Tasks at run time
//
// The seed's REPL could add a second blink with other arguments next to a
// running one; Go cannot name a function at run time, so a group offers
// two ways. Clone copies a task: the same function, callbacks, restart
// policy and stop timeout, with the arguments its next start would get
// merged with a JSON patch (as SetArgsJSON merges), named after the name
// the source was added with and de-duplicated (blink → blink_1). Register
// offers a function under a kind name with default arguments and options;
// AddKind starts a task of it with a patch merged over the defaults, and
// Kinds lists the kinds with their argument fields and defaults. The
// registry belongs to the group (Register(aioctl.Default(), …) for the
// default group's); there is no global one.
//
// Arguments that are a struct or a map take a JSON object that merges
// into them; others (a number, a string, a list) take a JSON value of
// their type, which replaces them. A running task's debug status shows
// the arguments its run got (TaskStatus.Args) and, when they were set
// since, the ones its next start or restart gets (PendingArgs, rendered
// "args (after restart)").
//
// # States
//
// A task is Scheduled (added, not run yet), Running, Done (returned nil),
// Stopped (cancelled by a stop), Error (returned an error or panicked; a
// panic is recovered and kept with its stack), Restarting (its
// RestartPolicy will run it again after a backoff), GaveUp (the policy's
// budget is spent) or Stopping (a stop is waiting for the goroutine; a task
// that ignores cancellation stays here, marked unresponsive, and never
// blocks the group).
//
// # Readiness
//
// A task that needs time before it can serve (open a database, join a
// network) is added WithReadiness(timeout) and calls Ready(ctx) when it can;
// until then its status reads "starting since …" (JSON "starting": true),
// and Task.WaitReady waits. WaitReady fails with ErrReadyTimeout when Ready
// does not come within the timeout, counted from the run's start, and with
// ErrNotReady when the task ends first. Every start and restart begins not
// ready. A task without the option is ready as soon as it runs; aioservice
// starts the services that require one only once it is ready.
//
// # Supervisors
//
// Group.Supervise puts a set of tasks under a Supervisor that restarts them
// when one fails (ends on its own in state Error), by a Strategy, as
// Erlang/OTP does: OneForOne restarts the failed task, OneForAll stops the
// others last-started first and starts them all again in order, RestForOne
// does that for the failed task and those started after it (the group's
// order). At most Intensity.Restarts restarts within Intensity.Period (the
// times kept in a fixed-size ring, so memory does not grow with failures):
// the next failure within the period makes it give up, stop the set, and
// report a *GaveUpError (Err, Done, SupervisorSpec.OnGiveUp). A service's
// children are supervised by their names: g.Supervise(spec, "hello.service.*").
//
// # Durations
//
// One rule for every duration a user writes, here and in aioschedule and
// aioservice: a JSON number is seconds (the seed's unit), a string is a Go
// duration ("1m30s", "250ms") or a number of seconds ("90"). Negative
// values, NaN, infinities and anything above MaxDuration (100 years) are
// refused with the field's name, never wrapped or replaced by a default.
// SetArgsJSON applies it to every time.Duration in a task's arguments;
// the Duration type carries it for types decoded by encoding/json
// directly; RestartPolicy's JSON and Validate, and aioschedule's specs,
// use the same parser (ParseDuration, ParseDurationJSON, CheckDuration).
// Status shows durations as Go duration strings, which are read back as
// they are.
//
// # Status
//
// Status is data first: Group.Snapshot returns TaskStatus values that
// marshal to JSON; Render prints them in the seed's format, plain or debug:
//
//	● blink: status: done @ 2015-01-01 11:28:33; 3 s ago --> result: 42
//
// A status may list child tasks (TaskStatus.Children, filled in by
// aioservice for a service's NAME.service.CHILD tasks): Render prints them
// under the task, after its restart and schedule lines and before the
// debug lines, one state line each, as asyncmd's CTasks did:
//
//	● hello.service: status: running since 2015-01-01 00:35:00; 00:02:31 ago
//	    ┗━► CTasks: 2
//	        ● hello.service.blink: status: running since 2015-01-01 00:35:00; 00:02:31 ago
//	        ● hello.service.poll: status: done @ 2015-01-01 00:35:00; 00:02:31 ago --> result: 42
//
// The children are also tasks of the group, each with its own block.
// Render appends into a pooled buffer (AppendRender for a caller's own),
// and TaskStatus.AppendJSON writes the JSON encoding/json would, without
// reflection: status is asked for on every refresh of every client.
//
// Higher layers add to a status through StatusExtender (schedules,
// services) and LogSource (a task's log lines), so this package imports
// neither. AddStatusExtender returns the function that removes the
// extender again, which a closing layer calls.
//
// A task reports figures about itself (counters, the last reading) with
// the option WithStats(func() T), or through arguments that implement
// Statser; each snapshot calls it and carries its value as JSON
// (TaskStatus.Stats). One that panics or is not JSON fills StatsError of
// its own task only. One that blocks (it must not) is given up after the
// group's stats timeout (WithStatsTimeout, one second by default; at most
// twice that): its StatsError says "stats: did not return within 1s", the
// other tasks' stats come as usual, and later snapshots do not call it
// again until that call has returned. The calls run on one worker
// goroutine per snapshot that has a task with stats, so a snapshot can
// stop waiting (a blocked call keeps its goroutine until it returns: one
// per blocked task, as it is not called again meanwhile); under TinyGo
// this bounds a function that blocks on a channel, lock or sleep, but not
// one that spins without yielding.
//
// # Names
//
// A method that reads is named for what it returns, one that changes
// something for the change: Debug reports debug mode, SetDebug sets it and
// ToggleDebug flips it (the seed's debug()); Names lists every task, Active
// the running ones (the seed's tasks()). Two log settings read alike and
// are different things: WithLogger and SetLogger choose the slog logger
// that tasks write to (Logger(ctx) inside a task), WithLogSource and
// SetLogSource the log (an aiolog Ring) whose lines status reads back:
//
//	ring := aiolog.New(256 << 10)
//	g := aioctl.NewGroup(
//		aioctl.WithLogger(slog.New(ring.Handler(nil))), // tasks write here
//		aioctl.WithLogSource(ring))                     // status reads here
//
// # Portability
//
// Like aiolog and aioschedule, this package uses only the Go 1.23 language
// and standard library, with no os/exec, net or signals, so that it builds
// under TinyGo for microcontrollers. Time comes from a clock.Clock.
// Under TinyGo a function's name is not known at run time
// (runtime.FuncForPC is nil), so a task added without WithName is named
// "task" ("task_1", …): name a board's tasks with WithName.
package aioctl
