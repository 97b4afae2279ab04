// Package api is the wire and the verb table of the aiotools control
// plane, with the standard library only: what a client needs to talk to
// a program's control server without linking the server (package control)
// or the task, log, schedule and service packages it drives. The Go client
// (control/client), the aioctl CLI and its shell, and the fleet and
// dashboard code import it; package control serves it and attaches the
// run function of each verb by name.
//
// # The wire
//
// The server speaks HTTP + JSON on a unix socket (or TCP with a bearer
// token; see package control/sockdir for where sockets and token files
// are). POST PathExec with a Request ({"argv": [...]} or {"line": "..."},
// "output": "json" for Data) answers a Response; POST PathStream answers
// Server-Sent Events, one Event as JSON per "data:" line, and a failed
// stream ends with "event: error" and an Error; GET PathVerbs is the
// table ([]Verb); GET PathHealth is a Health. Every error is an *Error
// with a stable Code (unknown_verb, bad_argument, not_found, …; see
// HTTPStatus for the HTTP status of each): scripts test the code, never
// the message. Response.Exit is the exit status a CLI exits with, as
// systemctl's (ExitFor): 0 done, 1 failed, 2 a usage error (unknown_verb,
// bad_argument), 4 a name matched nothing (not_found), or one of the
// verb's ExitCodes (status and is-active: 3 a named task is not active).
// Suggest and SuggestVerb give the did-you-mean of a mistyped name.
//
// # The verb table
//
// Verbs is the allow-list: every command any front end can run, and all a
// front end needs to offer it without knowing it by name — its words, the
// arguments (count, what they name, a JSON tail), the flags, whether and
// when it streams (Stream, StreamFlag), a flag that may be given as the
// first or last word (TrailingFlag: "status hello debug", "status debug
// hello"), its exit codes, and its
// help: a summary, typed flags (Flag.Type) and at least two Examples. `aioctl help` (or the help verb) lists them.
//
// # Parsing a command
//
// Split splits a line into words as a POSIX shell does for plain words
// (quotes and backslashes, no expansion); ParseLine also keeps the JSON
// argument of "set args" and "services config" whole. Parse checks the
// words against the table — the verb, the flags, the number of
// arguments, task and service names (CheckName) — and returns a Call;
// everything is checked before anything is done, and every error is an
// *Error naming what is wrong (a column, a flag, an argument) with the
// verb's usage. The server parses again, and also checks what only it
// knows (flag values, the parts the program has).
package api
