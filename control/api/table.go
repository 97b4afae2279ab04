package api

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// table is the allow-list: every command any front end can run. A verb
// not in this table does not exist, whoever asks.
var table = []Verb{
	// Tasks (aioctl).
	{Name: "status", ArgsUsage: "[PATTERN...] [debug]", Summary: "status of the matching tasks (all by default), as aioctl prints it",
		MaxArgs: -1, Names: TaskNames, ExitCodes: SystemctlExits, TrailingFlag: "debug",
		Flags: []Flag{{Name: "debug", Short: "d", Usage: "debug detail (Task, args, traceback)"},
			{Name: "lines", Short: "n", Value: "N", Kind: "int", Usage: "log lines per task (default 10, 0: none, -1: all)"}}},
	{Name: "is-active", ArgsUsage: "PATTERN...", Summary: "print active/inactive/failed per task; exit 0 only if all run",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, ExitCodes: SystemctlExits},
	{Name: "start", ArgsUsage: "PATTERN...", Summary: "start the matching tasks again with their stored arguments",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames},
	{Name: "stop", ArgsUsage: "PATTERN...", Summary: "stop the matching tasks ('*' for all) and wait for them",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames},
	{Name: "restart", ArgsUsage: "PATTERN...", Summary: "stop, then start the matching tasks",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames},
	{Name: "delete", ArgsUsage: "PATTERN...", Summary: "stop the matching tasks and remove them",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames},
	{Name: "result", ArgsUsage: "[PATTERN...]", Summary: "the value each task returned (or its on-stop/on-error value)",
		MaxArgs: -1, Names: TaskNames},
	{Name: "traceback", ArgsUsage: "[PATTERN...]", Summary: "the error and stack of the tasks that failed",
		MaxArgs: -1, Names: TaskNames},
	{Name: "debug", ArgsUsage: "[on|off]", Summary: "toggle (or set) debug mode: more detail in status",
		MaxArgs: 1},
	{Name: "set args", ArgsUsage: "PATTERN JSON", Summary: "merge a JSON object into the tasks' arguments, or set arguments that are not a struct (set args answer 5); used at the next start",
		MinArgs: 2, MaxArgs: 2, Names: TaskNames, RawTail: true},
	{Name: "watch", ArgsUsage: "[PATTERN...]", Summary: "print each state change of the matching tasks as it happens (first their current states), until interrupted",
		MaxArgs: -1, Names: TaskNames, Needs: NeedGroup, Stream: true},
	{Name: "stats", ArgsUsage: "[PATTERN...] [debug]", Summary: "the program as numbers: memory, goroutines, GC, uptime, disk, log ring, and each task's state and own stats (-o json: the stats document)",
		MaxArgs: -1, Names: TaskNames, TrailingFlag: "debug",
		Flags: []Flag{{Name: "debug", Short: "d", Usage: "add task functions and arguments, build settings, recent GC pauses"}}},
	// New tasks at run time (the seed's aioctl.add at the REPL).
	{Name: "clone", ArgsUsage: "SRC [NAME] [JSON]", Summary: `start a new task running SRC's function with SRC's arguments merged with JSON (clone blink '{"sleep": 6}' starts blink_1; a NAME a task has is refused; a service's task is cloned by services add)`,
		MinArgs: 1, MaxArgs: 3, Names: TaskNames, RawTail: true},
	{Name: "add", ArgsUsage: "KIND [NAME] [JSON]", Summary: `start a task of a function the program registered, its defaults merged with JSON (add blink led2 '{"pin": 3}'; help add lists the kinds; a NAME a task has is refused)`,
		MinArgs: 1, MaxArgs: 3, Names: KindNames, RawTail: true},

	// Log (aiolog).
	{Name: "log", ArgsUsage: "[GREP]", Summary: "the ring log, oldest first, filtered (with -f: follow it)",
		MaxArgs: 1, Needs: NeedLog, Stream: true, StreamFlag: "follow", Flags: logFlags(true)},
	{Name: "follow", ArgsUsage: "[GREP]", Summary: "print new log lines as they arrive (tail -F), until interrupted",
		MaxArgs: 1, Needs: NeedLog, Stream: true, Flags: logFlags(false)},
	{Name: "log level", ArgsUsage: "[PATTERN [LEVEL]]", Summary: "the log level of each matching task, and where it comes from; with LEVEL (DEBUG, INFO, WARN, ERROR, CRIT or inherit) set it first, from the next line on (NAME.CHILD tasks inherit NAME's unless set)",
		MaxArgs: 2, Names: TaskNames, Needs: NeedLog},
	{Name: "errlog", Summary: "the error log file (--error-log): its last lines, the rotated file's first, also those the ring has evicted and those from before a restart",
		Flags: []Flag{{Name: "lines", Short: "n", Value: "N", Kind: "int", Usage: "the last N lines (default all)"}}},

	// Schedules (aioschedule).
	{Name: "schedule list", ArgsUsage: "[PATTERN...]", Summary: "the schedules: task, spec, last and next run, skipped and missed counts",
		MaxArgs: -1, Names: TaskNames, Needs: NeedScheduler},
	{Name: "schedule next", ArgsUsage: "[NAME] [N]", Summary: "the next N planned runs (default 10), soonest first; with NAME, the next N runs of that task's schedule",
		MaxArgs: 2, Names: TaskNames, Needs: NeedScheduler},
	{Name: "schedule set", ArgsUsage: "NAME JSON", Summary: `add or replace a task's schedule, with the config's keys ({"start_in": 5, "repeat": 10}, {"cron": "*/5 * * * *", "tz": "Europe/Berlin"}); checked before anything changes`,
		MinArgs: 2, MaxArgs: 2, Names: TaskNames, RawTail: true, Needs: NeedScheduler, Flags: saveFlag},
	{Name: "schedule rm", ArgsUsage: "PATTERN...", Summary: "remove the schedules of the matching tasks (the tasks stay as they are); --save also deletes a service's from services.config",
		MinArgs: 1, MaxArgs: -1, Names: TaskNames, Needs: NeedScheduler, Flags: saveFlag},

	// Services (aioservice).
	{Name: "services list", Summary: "the registered services, enabled or not, and their load state",
		Needs: NeedServices},
	{Name: "services status", ArgsUsage: "[NAME...]", Summary: "load status of services ([ OK ] / [ ERROR ] lines)",
		MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services load", ArgsUsage: "NAME...|all", Summary: "load services (all: every enabled one) from the config file as it is now, and start them as the boot does (a schedule service goes on its schedule); --no-start only loads",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices,
		Flags: []Flag{{Name: "no-start", Usage: "only load: the service shows status: loaded until started"}}},
	{Name: "services add", ArgsUsage: "NAME JSON", Summary: `install a service without rebuilding: write its new entry to services.config ({"exec": {"argv": [...]}} for a command, or a registered service's {"args": ...}), load and start it`,
		MinArgs: 2, MaxArgs: 2, Names: ServiceNames, RawTail: true, Needs: NeedServices},
	{Name: "services remove", ArgsUsage: "NAME...", Summary: "uninstall services: stop and unload them and delete their entries from services.config",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services unload", ArgsUsage: "NAME...", Summary: "stop and unload services",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services enable", ArgsUsage: "NAME...", Summary: "enable services in the config file",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services disable", ArgsUsage: "NAME...", Summary: "disable services in the config file",
		MinArgs: 1, MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services config", ArgsUsage: "NAME JSON", Summary: `merge a JSON object into a service's config entry (RFC 7396: null deletes; validated, written atomically); an entry with "exec" declares a command service`,
		MinArgs: 2, MaxArgs: 2, Names: ServiceNames, RawTail: true, Needs: NeedServices},
	{Name: "services get-config", ArgsUsage: "[NAME]", Summary: "a service's config entry (all when no name)",
		MaxArgs: 1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services traceback", ArgsUsage: "[NAME...]", Summary: "why services failed to load or start",
		MaxArgs: -1, Names: ServiceNames, Needs: NeedServices},
	{Name: "services report", Summary: "the watcher's report: error counts per task and error type, with the last traceback of each",
		Needs: NeedServices},
	{Name: "services boot", Summary: "run the boot again for the loaded, enabled services that are not up (failed, stopped, or kept from starting); those up are left alone",
		Needs: NeedServices},
	{Name: "boot order", Summary: "the order services boot in (dependencies first)",
		Needs: NeedServices},

	// The interpreter itself.
	{Name: "help", ArgsUsage: "[VERB]", Summary: "list the verbs, or show one verb's usage",
		MaxArgs: 2, Names: VerbNames},
	{Name: "names", ArgsUsage: "[tasks|services|verbs|kinds]", Summary: "names for completion",
		MaxArgs: 1, Hidden: true},
}

// saveFlag is the flag of schedule set and rm that also writes the
// change to a service's entry in services.config.
var saveFlag = []Flag{{Name: "save", Usage: "for a service's task: also write the change to services.config (kwargs.schedule)"}}

func logFlags(withTail bool) []Flag {
	f := []Flag{
		{Name: "task", Short: "t", Value: "TASK", Usage: "only this task's lines"},
		{Name: "level", Short: "l", Value: "LEVEL", Usage: "only lines at this level or above (DEBUG, INFO, WARN, ERROR, CRIT)"},
		{Name: "since", Value: "WHEN", Kind: "time", Usage: "only lines from this time on (a duration ago like 10m, or YYYY-MM-DD HH:MM:SS)"},
		{Name: "until", Value: "WHEN", Kind: "time", Usage: "only lines before this time"},
		{Name: "regexp", Short: "E", Usage: "GREP is a regular expression"},
		{Name: "lines", Short: "n", Value: "N", Kind: "int", Usage: "only the last N lines (0: none; with follow: replay N first, default 10)"},
	}
	if withTail {
		f = append(f, Flag{Name: "follow", Short: "f", Usage: "keep printing new lines until interrupted"})
	}
	return f
}

var (
	verbIndex  map[string]*Verb
	verbGroups map[string][]string
)

func init() {
	verbIndex = make(map[string]*Verb, len(table))
	verbGroups = make(map[string][]string)
	for i := range table {
		v := &table[i]
		if verbIndex[v.Name] != nil {
			panic("control/api: verb " + v.Name + " twice in the table")
		}
		verbIndex[v.Name] = v
		if first, sub, ok := strings.Cut(v.Name, " "); ok {
			verbGroups[first] = append(verbGroups[first], sub)
		}
	}
	for _, s := range verbGroups {
		sort.Strings(s)
	}
}

// Verbs returns the verb table: the allow-list of everything the control
// plane can do, in a stable order. The slice is a copy; the verbs' Flags
// and ExitCodes are shared and must not be changed.
func Verbs() []Verb { return append([]Verb(nil), table...) }

// LookupVerb returns the verb with this full name ("status", "set args").
func LookupVerb(name string) (Verb, bool) {
	v := verbIndex[name]
	if v == nil {
		return Verb{}, false
	}
	return *v, true
}

// SubVerbs returns the second words of the two-word verbs that start with
// first, sorted ("services" gives config, disable, …); nil when none do.
func SubVerbs(first string) []string {
	return append([]string(nil), verbGroups[first]...)
}

// FirstWords returns the words a visible command can start with, sorted
// ("boot", "debug", …, "services", "set", "status").
func FirstWords() []string {
	seen := map[string]bool{}
	var out []string
	for i := range table {
		if w, _, _ := strings.Cut(table[i].Name, " "); !table[i].Hidden && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// Find finds the verb argv starts with (two-word verbs such as "set args"
// first) and returns it with the words after its name. A first word that
// is no verb is an unknown_verb *Error; the first word of two-word verbs
// alone ("services") is a bad_argument *Error naming the second words.
func Find(argv []string) (*Verb, []string, error) {
	v, rest, err := find(argv)
	if err != nil {
		return nil, nil, err
	}
	c := *v
	return &c, rest, nil
}

// find is Find returning the table's own entry.
func find(argv []string) (*Verb, []string, error) {
	if len(argv) == 0 {
		return nil, nil, NewError(CodeUnknownVerb, "empty command: try help")
	}
	w := argv[0]
	if len(argv) > 1 {
		if v := verbIndex[w+" "+argv[1]]; v != nil {
			return v, argv[2:], nil
		}
	}
	if v := verbIndex[w]; v != nil {
		return v, argv[1:], nil
	}
	if subs := verbGroups[w]; len(subs) > 0 {
		if len(argv) > 1 {
			return nil, nil, NewError(CodeUnknownVerb, "unknown verb "+strconv.Quote(truncate(w+" "+argv[1], 60))+":"+
				orTakes(SuggestVerb(w+" "+argv[1]), w+" takes one of: "+strings.Join(subs, ", ")))
		}
		return nil, nil, NewError(CodeBadArgument, w+" needs one of: "+strings.Join(subs, ", "))
	}
	return nil, nil, NewError(CodeUnknownVerb, "unknown verb "+strconv.Quote(truncate(w, 40))+":"+orTakes(SuggestVerb(w), "try help"))
}

// SuggestVerb is " did you mean "status"?" for a mistyped verb (one word,
// or two for the verbs of a group: "services lst"), or "" when no verb
// is close.
func SuggestVerb(typed string) string {
	var names []string
	first, _, two := strings.Cut(typed, " ")
	for i := range table {
		v := &table[i]
		if v.Hidden {
			continue
		}
		f, _, group := strings.Cut(v.Name, " ")
		switch {
		case two && group && f == first:
			names = append(names, v.Name)
		case !two && !group:
			names = append(names, v.Name)
		case !two && group && !slices.Contains(names, f):
			names = append(names, f)
		}
	}
	return DidYouMean(Suggest(typed, names), strconv.Quote)
}

func orTakes(suggestion, otherwise string) string {
	if suggestion != "" {
		return suggestion
	}
	return " " + otherwise
}

// truncate returns s cut to n bytes with "…" after it when it is longer,
// for quoting what a client sent in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
