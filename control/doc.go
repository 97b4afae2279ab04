// Package control is the control plane of aiotools: one command
// interpreter, with one allow-list table of verbs, that every front end
// uses — the control socket, the aioctl CLI and its shell, the
// in-program console, and later the web dashboard and MQTT.
//
// # The interpreter
//
// NewInterp takes the parts of a program it drives (Components): the task
// group (required), and optionally the ring log, the scheduler and the
// service manager. A verb whose part is missing answers not_available.
//
//	in, _ := control.NewInterp(control.Components{Group: g, Log: ring})
//	res := in.ExecLine(ctx, "status hello*", control.Options{})
//	fmt.Print(res.Text)
//
// The verbs, their arguments and flags are in one table, in package
// control/api (api.Verbs; `aioctl help`, or the help verb, lists them);
// this package attaches the run function of each verb by name. Every
// argument is checked before anything is done: names are letters, digits
// and _ . - @ : + * only; a wrong count, flag, JSON or name is a
// bad_argument error and changes nothing.
//
// Nothing an answer holds drives the reader's terminal. Values that come
// from tasks, services, schedules or logs (names, results, errors, panic
// values, arguments, service info and docs, stats, config errors quoting a
// name) are escaped by the one rule aiolog stores its lines with: control
// bytes, DEL and invalid UTF-8 print as \xNN (a newline as \n, so a value
// cannot forge a line), C1 controls (U+0080–U+009F) and bidi controls
// (U+202A–U+202E, U+2066–U+2069) as \uNNNN. Tracebacks keep their newlines
// and tabs, their continuation lines indented. Exec escapes Result.Text
// and the error message once more as a whole (with Options.Color the
// colour sequences stay), and every JSON answer of the server, stream
// events included, writes DEL, C1 and bidi controls as \u escapes (valid
// JSON, the same decoded value; encoding/json already escapes the bytes
// below 0x20; it does not HTML-escape: ">&2" is sent as it is, not as
// "\u003e\u0026"). The aioctl CLI escapes what it prints again, so even a
// hostile server cannot reach the terminal.
//
// Errors are *Error with a stable Code (unknown_verb, bad_argument,
// not_found, not_available, unauthorized, too_large, load_failed, …);
// internal is kept for bugs: a service whose constructor fails or panics
// is load_failed, a start that races a delete is not_found. A not_found
// message ends with the names close to the one typed ("did you mean
// blink?"). Result.Exit is systemctl's exit code (api.ExitFor): 2 for
// unknown_verb and bad_argument, 4 for not_found, 1 for other errors;
// status and is-active give 3 when a named task is not running. is-active
// prints the state alone for one name, "NAME: state" per task for several
// names or a pattern. A --lines (-n) of 0 means no log lines. The wire types (Request,
// Response, Error, Code, Event, Options, Verb) are aliases of those of
// control/api, and SocketDirs, CheckSocketDir, TokenPath and
// ReadTokenFile are those of control/sockdir, so that clients link
// neither this package nor the parts of a program it drives.
//
// # The program's own verbs
//
// Interp.Register adds a command of the program (UserVerb) to its
// interpreter's table, beside the built-in verbs: help lists it under
// "this program's verbs", names verbs and GET /v1/verbs include it (with
// Verb.User set), and every front end runs it through Exec (aioctl sends
// a verb it was built without as typed; the MQTT device checks requests
// with FindVerb). Func makes a handler whose arguments are the fields of
// a struct, in order, parsed by their type (string, bool, ints, floats,
// time.Duration, a last slice for the remaining words) or given as one
// JSON object; Words passes the words as they are. The name is one word
// that no built-in verb, group or aioctl command has (ErrVerbName,
// ErrVerbTaken); a word that does not parse, or a wrong count, is
// bad_argument naming the argument, and the handler does not run. The
// summary and examples are escaped at registration, the result and the
// error as any verb's.
//
// # The server
//
// NewServer (or Serve) opens an HTTP + JSON server on a unix socket —
// by default $XDG_RUNTIME_DIR/aiotools/NAME.sock, else
// $TMPDIR/aiotools-UID/NAME.sock, else (when another user made that
// first) $HOME/.local/state/aiotools/run/NAME.sock — in a 0700 directory
// of this user (never one of another user), mode 0600; the
// peer's uid is checked with SO_PEERCRED (same user or root only). The
// server holds an exclusive flock on NAME.sock.lock beside the socket for
// its whole life, so of two programs started at once on one path exactly
// one gets it; the other fails at once. A stale socket is replaced; a
// live one is never taken over. TCP is
// optional and always needs a token (compared in constant time): loopback
// TCP cannot tell one local user from another. Without Config.Token the
// server generates one and writes it, with the address, to the 0600 file
// NAME.token beside the socket (ReadTokenFile reads it; aioctl --addr
// does so by itself); Close removes it. An address that is not loopback
// also needs Config.TLS, so that the token never crosses a network in
// clear text. Request
// body, headers, header and read time, idle time and the number of
// connections are bounded; connections that have not sent a whole request
// head get a second and a small share of the places, and idle keep-alive
// connections give their place up to new ones (see Config.MaxConns); a bad request gets a JSON error and the
// listener goes on.
//
//	srv, err := control.NewServer(control.Config{Components: control.Components{Group: g}})
//	defer srv.Close()
//	fmt.Println("aioctl --socket", srv.SocketPath(), "status")
//
// Endpoints: POST /v1/exec {"argv": [...]} or {"line": "..."} (with
// "output": "json" for data) answers a Response; POST /v1/stream streams
// follow and log -f as Server-Sent Events; GET /v1/verbs is the table;
// GET /v1/health. GET /stats and /stats/debug answer the stats document
// (api.Stats, as the stats verb gives it); Config.Mount adds more, as
// package aiometrics's GET /metrics.
//
// Package control/client is the Go client and cmd/aioctl the CLI; both
// import control/api (and control/sockdir), not this package.
//
// # The console
//
// Console runs the interpreter on a reader and a writer (stdin and
// stdout in a program), as the seed's aiorepl task did. ConsoleStdio runs
// it on the program's own stdin: when stdin and stdout are terminals, with
// aioctl shell's line editing and completion (internal/lineedit: Tab
// completes verbs, flags and task and service names, Up/Down history,
// Ctrl-C clears the line and stops a follow, Ctrl-D leaves); from a pipe,
// without prompts. `aiotools demo -console` and `aiotools run -console`
// use it.
package control
