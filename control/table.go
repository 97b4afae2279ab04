package control

// verbTable is the allow-list: every command any front end can run. A verb
// not in this table does not exist, whoever asks.
var verbTable = []Verb{
	// Tasks (aioctl).
	{Name: "status", ArgsUsage: "[PATTERN...] [debug]", Summary: "status of the matching tasks (all by default), as aioctl prints it",
		MaxArgs: -1, Names: TaskNames, Exits: true, trailingDebug: true,
		Flags: []Flag{{Name: "debug", Short: "d", Usage: "debug detail (Task, args, traceback)"},
			{Name: "lines", Short: "n", Value: "N", Usage: "log lines per task (0: 10, -1: all)"}},
		check: checkIntFlags("lines"), run: runStatus},
	{Name: "is-active", ArgsUsage: "PATTERN...", Summary: "print active/inactive/failed per task; exit 0 only if all run",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, Exits: true, run: runIsActive},
	{Name: "start", ArgsUsage: "PATTERN...", Summary: "start the matching tasks again with their stored arguments",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, run: runStart},
	{Name: "stop", ArgsUsage: "PATTERN...", Summary: "stop the matching tasks ('*' for all) and wait for them",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, run: runStop},
	{Name: "restart", ArgsUsage: "PATTERN...", Summary: "stop, then start the matching tasks",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, run: runRestart},
	{Name: "delete", ArgsUsage: "PATTERN...", Summary: "stop the matching tasks and remove them",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, run: runDelete},
	{Name: "result", ArgsUsage: "[PATTERN...]", Summary: "the value each task returned (or its on-stop/on-error value)",
		MaxArgs: -1, Names: TaskNames, run: runResult},
	{Name: "traceback", ArgsUsage: "[PATTERN...]", Summary: "the error and stack of the tasks that failed",
		MaxArgs: -1, Names: TaskNames, run: runTraceback},
	{Name: "debug", ArgsUsage: "[on|off]", Summary: "toggle (or set) debug mode: more detail in status",
		MaxArgs: 1, check: checkOnOff, run: runDebug},
	{Name: "set args", ArgsUsage: "PATTERN JSON", Summary: "merge a JSON object into the tasks' arguments (used at the next start)",
		MinArgs: 2, MaxArgs: 2, Names: TaskNames, RawTail: true, run: runSetArgs},

	// Log (aiolog).
	{Name: "log", ArgsUsage: "[GREP]", Summary: "the ring log, oldest first, filtered (with -f: follow it)",
		MaxArgs: 1, Needs: NeedLog, Stream: true, streamIf: "follow", Flags: logFlags(true),
		check: checkLogFlags, run: runLog, stream: streamLog},
	{Name: "follow", ArgsUsage: "[GREP]", Summary: "print new log lines as they arrive (tail -F), until interrupted",
		MaxArgs: 1, Needs: NeedLog, Stream: true, Flags: logFlags(false),
		check: checkLogFlags, stream: streamLog},

	// Schedules (aioschedule).
	{Name: "schedule list", ArgsUsage: "[PATTERN...]", Summary: "the schedules: task, spec, last and next run, skipped and missed counts",
		MaxArgs: -1, Names: TaskNames, Needs: NeedScheduler, run: runScheduleList},
	{Name: "schedule next", ArgsUsage: "[N]", Summary: "the next N planned runs (default 10), soonest first",
		MaxArgs: 1, Needs: NeedScheduler, check: checkIntArg, run: runScheduleNext},

	// Services (aioservice).
	{Name: "services list", Summary: "the registered services, enabled or not, and their load state",
		Needs: NeedServices, run: runServicesList},
	{Name: "services status", ArgsUsage: "[NAME...]", Summary: "load status of services ([ OK ] / [ ERROR ] lines)",
		MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesStatus},
	{Name: "services load", ArgsUsage: "NAME...|all", Summary: "load services (all: every enabled one) from the config; start runs them (a schedule service goes on its schedule)",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesLoad},
	{Name: "services unload", ArgsUsage: "NAME...", Summary: "stop and unload services",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesUnload},
	{Name: "services enable", ArgsUsage: "NAME...", Summary: "enable services in the config file",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesEnable},
	{Name: "services disable", ArgsUsage: "NAME...", Summary: "disable services in the config file",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesDisable},
	{Name: "services config", ArgsUsage: "NAME JSON", Summary: "merge a JSON object into a service's config entry (RFC 7396: null deletes; validated, written atomically)",
		MinArgs: 2, MaxArgs: 2, Names: ServiceNames, RawTail: true, Needs: NeedServices, run: runServicesConfig},
	{Name: "services get-config", ArgsUsage: "[NAME]", Summary: "a service's config entry (all when no name)",
		MaxArgs: 1, Names: ServiceNames, Needs: NeedServices, run: runServicesGetConfig},
	{Name: "services traceback", ArgsUsage: "[NAME...]", Summary: "why services failed to load or start",
		MaxArgs: -1, Names: ServiceNames, Needs: NeedServices, run: runServicesTraceback},
	{Name: "boot order", Summary: "the order services boot in (dependencies first)",
		Needs: NeedServices, run: runBootOrder},

	// The interpreter itself.
	{Name: "help", ArgsUsage: "[VERB]", Summary: "list the verbs, or show one verb's usage",
		MaxArgs: 2}, // run set in init: it reads the table
	{Name: "names", ArgsUsage: "[tasks|services|verbs]", Summary: "names for completion",
		MaxArgs: 1, Hidden: true, check: checkNamesKind}, // run set in init
}

func logFlags(withTail bool) []Flag {
	f := []Flag{
		{Name: "task", Short: "t", Value: "TASK", Usage: "only this task's lines"},
		{Name: "level", Short: "l", Value: "LEVEL", Usage: "only lines at this level or above (DEBUG, INFO, WARN, ERROR, CRIT)"},
		{Name: "since", Value: "WHEN", Usage: "only lines from this time on (a duration ago like 10m, or YYYY-MM-DD HH:MM:SS)"},
		{Name: "until", Value: "WHEN", Usage: "only lines before this time"},
		{Name: "regexp", Short: "E", Usage: "GREP is a regular expression"},
		{Name: "lines", Short: "n", Value: "N", Usage: "only the last N lines (with follow: replay N first)"},
	}
	if withTail {
		f = append(f, Flag{Name: "follow", Short: "f", Usage: "keep printing new lines until interrupted"})
	}
	return f
}
