// Package aioservice runs services: named, typed units of work built on
// aioctl tasks, configured by a JSON file, booted in dependency order, and
// supervised by a watcher. It is the Go form of the seed's aioservice.
//
// A service is defined in code with Define and registered in a Registry
// (or the default one with Register):
//
//	type HelloArgs struct {
//		Pin   int               `json:"pin"`
//		Sleep aioservice.Duration `json:"sleep"`
//	}
//
//	aioservice.MustRegister(aioservice.Define("hello", hello, HelloArgs{Pin: 2, Sleep: aioservice.Duration(5 * time.Second)},
//		aioservice.WithInfo("Hello example runner v1.0"),
//		aioservice.WithDocs("https://example.com/hello"),
//		aioservice.WithRequires("network")))
//
// Its main task is named "hello.service"; it may add child tasks named
// "hello.service.CHILD" with AddChild; children go with their service (Unload,
// or the main task's delete), and once that has begun AddChild refuses
// (ErrNotLoaded), so none is left behind. The service's status (plain and
// debug) lists its children under it with their states ("┗━► CTasks: 2",
// then one line per child, in the order they were added), and its JSON
// carries them as "children"; each child also has its own status block. Types: Core (runs once at boot and
// is awaited), Runtime (runs continuously, the default), Schedule (runs on
// its schedule, through aioschedule).
//
// A Manager loads the services into an aioctl.Group and drives them:
//
//	m := aioservice.NewManager(g, nil, aioservice.WithConfigFile("services.config"),
//		aioservice.WithOutput(os.Stdout))
//	err := m.Up(ctx) // LoadAll with the config, Boot the core services, Init the others
//	defer m.Close(context.Background())
//
// The verbs of the seed are its methods: List, LoadStatus, Load, LoadAll,
// Unload, Init, Boot, BootOrder, Configure, PatchConfig, Enable, Disable,
// GetConfig, Traceback; and, to install without rebuilding, Add (a new
// entry written, loaded and started), Remove (unloaded and its entry
// deleted, the rest of the file byte for byte), Start (the loaded services
// that are not up, started as the boot does: with no names, the boot again
// for those that failed or did not start) and Report (the watcher's).
// They keep the service table, the group and the scheduler in agreement:
// every loaded service has exactly one main task in the group, an
// unloaded one none; List's "enabled" is the config's, at once after an
// edit; Load starts nothing (Start does: a schedule service goes on its
// schedule), and Unload takes a service off its schedule; a main task
// deleted from the
// group by hand unloads its service (which then loads again). A failed
// load is ErrLoadFailed (with the cause: errors.As finds a
// *aioctl.PanicError after a panic).
//
// # The config file
//
// services.config is a JSON object with one entry per service; only the
// keys present override the service's defaults:
//
//	{
//	  "hello":   {"enabled": true, "args": {"pin": 3}, "restart": {"mode": "on-failure", "delay": "2s"}},
//	  "world":   {"schedule": {"start_in": 20, "repeat": 90}},
//	  "time":    {"requires": ["network"]},
//	  "ticker":  {"exec": {"argv": ["sh", "-c", "while :; do echo tick; sleep 3; done"]},
//	              "stop_timeout": "3s", "info": "a shell loop"},
//	  "dofail":  {"enabled": false}
//	}
//
// Keys: enabled, args (decoded over the default arguments), schedule,
// requires, after, restart, stop_timeout, readiness ({"timeout": "5s"}: the
// service calls aioctl.Ready, and its dependents wait that long for it, as
// WithReadiness), children ({"strategy": "one_for_all", "intensity":
// {"restarts": 3, "within": "10s"}}: what SuperviseChildren puts the
// children under, over the spec the code passes), exec, type and info/docs
// (exec services; readiness and children are refused there), log_level (debug, info, warn, error or crit: the level of the
// service's task and its children, handed to the program when the service
// loads, see Manager.SetLogLevelFunc), and the seed's "kwargs" holding
// schedule/require(s)/after/restart.
// ${VAR} is replaced by the environment variable, or by the value in a
// ".env" file next to the config; inside a JSON string the value is
// escaped, outside one (`"pin": ${PIN}`) it is inserted as is. "$${"
// is a literal "${".
//
// Durations (restart delays and window, stop_timeout, schedule keys, and
// every time.Duration or Duration in args) follow aioctl's one rule: a
// number is seconds, a string a Go duration ("1m30s"), from 0 to 100
// years. A negative or out-of-range value, like a negative restart budget,
// is an error naming the field, never replaced by a default. Status and
// get_config show durations as "5s", which the file reads back as they are.
//
// A file that does not parse, has an unknown key, a value of the wrong
// type, an unknown service, a dependency on an undefined service or a
// dependency cycle is a *ConfigError with file, line, column and field
// ("services.config:3:22: hello.args.pin: cannot use string as int"); the
// manager then keeps the config it had and loads nothing. A key set twice
// in one object, at any depth, is an error too, and so is a file of more
// than MaxConfigSize (16 MiB; ErrConfigTooLarge), not read further. Edits (Configure,
// PatchConfig, Enable, Disable) are serialised, validated as a whole, and
// written atomically (temporary file, fsync, rename, fsync of the
// directory), so the file is never left half-written or invalid; a
// refused edit's error names the field, without a position in the file
// (the text it would have written is not on disk). An error in a change's
// own text (PatchConfig, ReplaceConfig, Add: the JSON of "services config"
// and "services add") says where in it: "invalid JSON at 1:19 of the
// change: unexpected end of the change", or "hello.args.pin: cannot use
// string as int (at 1:11 of the change; the change is refused; the file
// is unchanged)", the place of the field's key. A config without its owner's write
// bit (0444) is refused, not replaced; a failed write (a full disk) is a
// *WriteError and leaves the old file. Loading the file the first time
// removes the ".services.config.tmp-N" files of a writer killed mid-write.
// Parsing takes time linear in the file's size.
//
// PatchConfig (the control verb "services config NAME JSON") is a JSON
// merge patch (RFC 7396) of the entry: an object merges key by key, null
// deletes a key, any other value replaces it. The text of every key the
// patch does not name stays byte for byte, and so do the file's layout and
// its ${VAR}s; a key the entry holds in "kwargs" is edited there. A patch
// that is not an object, or names a key twice, is refused. ReplaceConfig
// (schedule set --save) is the same, except that each key the patch names
// replaces the old value whole, so the file holds exactly that value.
//
// # Exec services
//
// An entry with "exec" declares a service that runs an external command:
// each line it prints goes to the task's logger under the service's name
// (so to the ring log, when the program's slog handler is aiolog's), its
// exit status is the task's result (non-zero is an *ExitError: "exit
// status 3", "killed by SIGKILL"), and a stop sends SIGTERM to its process
// group, then SIGKILL after stop_timeout. A stop is no failure: the task
// ends stopped with no error, and the log says how the command ended
// ("stopped: killed by SIGTERM").
//
// A service's processes end with it. When its command ends (or is
// stopped), what is left of its process group gets SIGKILL, and so, on
// Linux, does every process that still carries the command's ScopeEnv mark
// in its environment (one that left the group with setsid, a daemon's
// double fork, or one caught in the middle of an exec, whose environment
// reads empty for a moment); RunCommand returns once they are gone. On Linux the
// command also has SIGKILL as its parent-death signal, and is forked from
// a thread that lives as long as it does (see Go issue 27505: the signal
// follows the forking thread, not the process). Subreaper, one call early
// in main, covers the rest: the program adopts and reaps its services'
// orphans, and a guard process kills every marked process when the program
// dies without stopping them (kill -9, a crash). aiotools run and demo call it.
//
// The mark is an environment variable, so a process can drop it: one that
// clears it (env -u AIOSERVICE_SCOPE) and leaves the process group
// (setsid) survives its service's stop. While the program lives, the
// subreaper has adopted it once its parent ended, and KillDescendants,
// called at the very end (aiotools run and demo do, after the services
// are stopped, so on SIGTERM or Ctrl-C), kills it with every other
// descendant. After kill -9 of the program nothing can find it: the guard
// knows processes only by the mark. Put the program in a cgroup of its own
// (systemd: KillMode=control-group, the default) when even that must not
// escape.
//
// # Dependencies
//
// requires and after are resolved by a topological sort, in time linear
// in services and dependencies (a service's level is one more than its
// dependencies' highest; a level lists its services in config order), that
// names every member of a cycle (*CycleError). The
// manager owns the order: BootOrder returns it (the loaded, enabled
// services, core first, a dependency outside a phase ordering nothing),
// Boot and Init follow it, and the control verb "boot order" shows it.
//
//	bo, err := m.BootOrder() // {Core: [network time], Others: [hello], Levels: [[network] [time] [hello]]}
//
// Boot starts a core service when all it requires is up, runs
// independent ones in parallel, and does not start one whose dependency
// failed (it says why); Stop stops them in reverse order. A service that Boot or Init did not start
// for that reason starts late, without another Boot, once every service
// it requires is up: when the failed core service is started again (by
// hand or by the watcher) and ends Done, or a runtime service is Running.
// Its note in List and in its status then says "started late, when
// network.service came up". A Stop forgets the services still waiting.
//
// # Readiness and shutdown
//
// A service defined WithReadiness(timeout) calls aioctl.Ready(ctx) once it
// can serve; Boot and Init start the services that require it only then
// (a core service that declares readiness is up once ready, and may go on
// running). Not ready within timeout, it counts as not up: its dependents
// do not start and say why ("requires db.service, which was not ready
// within 5s"). Its status shows "starting" until it is ready.
//
// A service restarts its children together by a strategy (one_for_all,
// rest_for_one; aioctl.Supervise) with SuperviseChildren, called from its
// function once it has added them.
//
// Shutdown stops the services one at a time in the reverse of the boot
// order, each within its own stop timeout, and reports the tasks that did
// not stop in time (NotStopped) and the exec commands that needed SIGKILL
// (Killed); aiotools run calls it on SIGTERM or SIGINT, prints a line for
// each and then exits with status 1.
//
// # The watcher
//
// NewWatcher(...).Service(args) is the watcher service: every N seconds
// (on the group's clock) it restarts the tasks in error unless they opted
// out (WithoutWatcherRestart, or WatcherArgs.Exclude), counts errors per
// task and error type (the stats line of its debug status, and Report),
// and after max_errors runs its action
// (by default: log and exit 1, for a supervisor to restart the program).
// Tasks on a schedule (schedule.service, or any task an aioschedule
// Scheduler runs) are left to their schedule: one that ends in error runs
// again when it is next due, not at the watcher's next check. Their errors
// are still counted; "restart_scheduled": true restarts them too.
// A task with a restart policy of its own (a service's "restart", or
// aioctl.WithRestart) is left to that policy: when its budget is spent
// it is in state gave-up and stays so, whatever the watcher's checks,
// until a user starts it (with a fresh budget); the report says so
// ("crashy.service: gave up after 5 restarts …: not restarted").
package aioservice
