package api

// examples are two or more command lines per verb, each with what it
// does, for help (Verb.Examples). They live beside the table, keyed by
// the verb's name, so that adding a verb to the table and its examples
// here do not touch the same lines. Every visible verb has at least two;
// every key names a verb (TestEveryVerbHasExamples).
var examples = map[string][]string{
	"status": {
		"status                  # every task: state, result, last log lines",
		"status 'hello*' -n 0    # the tasks named hello…, without log lines",
		"status blink debug      # with the function, arguments and traceback",
		"status debug 'b*'       # the same for the tasks named b…: debug first or last",
	},
	"watch": {
		"watch                   # every task's state, then each change, until Ctrl-C",
		"watch 'sensor*'         # only the tasks named sensor…",
	},
	"stats": {
		"stats                   # memory, goroutines, GC, disk, log ring; each task's stats",
		"stats 'sensor*'         # only the tasks named sensor…",
		"stats sensor debug      # with functions, arguments, build settings",
	},
	"is-active": {
		"is-active blink         # prints active (exit 0) or inactive/failed (exit 3)",
		"is-active 'b*' 'n*'     # NAME: state for each matching task",
	},
	"start": {
		"start blink             # start blink again with its stored arguments",
		"start '*'               # start every task that is not running",
	},
	"stop": {
		"stop blink              # stop blink and wait for it to end",
		"stop 'hello*'           # stop every task named hello…",
	},
	"restart": {
		"restart blink           # stop blink, then start it (new arguments apply)",
		"restart 'net*'          # restart the tasks named net…",
	},
	"delete": {
		"delete blink_1          # stop the task blink_1 and remove it",
		"delete 'tmp*'           # remove every task named tmp…",
	},
	"result": {
		"result                  # the value every task returned",
		"result answer           # the value answer returned (or its on-error value)",
	},
	"traceback": {
		"traceback               # the error and stack of every failed task",
		"traceback dofail        # only dofail's",
	},
	"debug": {
		"debug                   # toggle debug mode (more detail in status)",
		"debug off               # turn it off",
	},
	"clone": {
		`clone blink '{"sleep": 6}'      # a second blink, blink_1, sleeping 6 s`,
		`clone blink led2 '{"pin": 3}'   # named led2, on pin 3`,
	},
	"add": {
		"add blink               # a task of the registered function blink, its defaults",
		`add blink led2 '{"pin": 3}'     # named led2, pin 3 (help add lists the kinds)`,
	},
	"set args": {
		`set args blink '{"sleep": 6}'   # blink sleeps 6 s per round after its next start`,
		`set args 'led*' '{"pin": 3}'    # pin 3 for every task named led…`,
	},
	"log": {
		"log -n 20 ERROR         # the last 20 lines with ERROR in them",
		"log -f -t blink         # follow blink's lines until Ctrl-C",
		"log --since 10m -l WARN # warnings and worse of the last 10 minutes",
	},
	"log level": {
		"log level               # every task's level and where it comes from",
		"log level hello.service DEBUG   # hello.service and its children log DEBUG",
		"log level '*' WARN      # every task: warnings and worse",
		"log level hello.service inherit # back to the default (or a parent's level)",
	},
	"errlog": {
		"errlog                  # every line of error.log.1 and error.log",
		"errlog -n 20            # the last 20",
	},
	"follow": {
		"follow                  # print new log lines until Ctrl-C",
		"follow -n 5 -t blink    # blink's last 5 lines, then new ones",
	},
	"schedule list": {
		"schedule list           # every schedule: spec, last and next run",
		"schedule list 'sync*'   # the schedules of the tasks named sync…",
	},
	"schedule next": {
		"schedule next           # the next 10 planned runs",
		"schedule next 3         # the next 3",
		"schedule next world 5   # the next 5 runs of world's schedule",
	},
	"schedule set": {
		`schedule set blink '{"start_in": 5, "repeat": 10}'          # in 5 s, then every 10 s`,
		`schedule set sync '{"cron": "*/5 * * * *", "tz": "Europe/Berlin"}' --save   # kept in services.config`,
	},
	"schedule rm": {
		"schedule rm blink       # blink runs on no schedule any more",
		"schedule rm sync --save # and sync's schedule leaves services.config",
	},
	"services list": {
		"services list           # the registered services and their load state",
		"-o json services list   # the same as JSON",
	},
	"services status": {
		"services status         # [ OK ] / [ ERROR ] per service",
		"services status network # one service's",
	},
	"services load": {
		"services load network   # load (and start) the service network",
		"services load --no-start network   # only load it (status: loaded)",
	},
	"services add": {
		`services add backup '{"exec": {"argv": ["rsync", "-a", "/data", "/mnt"]}}'   # a command service`,
		`services add hello '{"args": {"pin": 5}}'   # a registered service, with its args`,
	},
	"services remove": {
		"services remove backup  # stop, unload and delete its entry",
		"services remove a b     # remove a and b",
	},
	"services report": {
		"services report         # the watcher's error counts and tracebacks",
		"-o json services report # the same, as a JSON string",
	},
	"services boot": {
		"services boot           # start again what failed or did not start",
		"-o json services boot   # the services it started, as JSON",
	},
	"services unload": {
		"services unload network # stop and unload network",
		"services unload 'net*'  # the services named net…",
	},
	"services enable": {
		"services enable network # enable network in services.config",
		"services enable a b     # enable a and b",
	},
	"services disable": {
		"services disable network  # disable network in services.config",
		"services disable a b      # disable a and b",
	},
	"services config": {
		`services config network '{"args": {"ssid": "home"}}'   # change its args`,
		`services config network '{"after": null}'               # delete a key`,
	},
	"services get-config": {
		"services get-config     # every service's config entry",
		"services get-config network  # network's",
	},
	"services traceback": {
		"services traceback      # why services failed to load or start",
		"services traceback network   # only network's",
	},
	"boot order": {
		"boot order              # the order services boot in",
		"-o json boot order      # the same as JSON",
	},
	"help": {
		"help                    # list the verbs",
		"help 'set args'         # one verb's usage and flags",
	},
}

func init() {
	found := 0
	for i := range table {
		if ex, ok := examples[table[i].Name]; ok {
			table[i].Examples = ex
			found++
		}
	}
	if found != len(examples) {
		panic("control/api: examples of a verb that is not in the table")
	}
}
