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
// Verbs (see Verbs, or "help"): status [PATTERN...] [debug], is-active,
// start, stop, restart, delete, result, traceback, debug [on|off],
// set args PATTERN JSON, log [GREP] (-n, --task, --level, --since, --until,
// -E, -f), follow [GREP], schedule list / next, services list / status /
// load / unload / enable / disable / config / get-config / traceback,
// boot order, help. Every argument is checked before anything is done:
// names are letters, digits and _ . - @ : + * only; a wrong count, flag,
// JSON or name is a bad_argument error and changes nothing.
//
// Errors are *Error with a stable Code (unknown_verb, bad_argument,
// not_found, not_available, unauthorized, too_large, load_failed, …);
// internal is kept for bugs: a service whose constructor fails or panics
// is load_failed, a start that races a delete is not_found. status and
// is-active give systemctl's exit codes in Result.Exit: 0 all running, 3
// one is not, 4 a name matched no task.
//
// # The server
//
// NewServer (or Serve) opens an HTTP + JSON server on a unix socket —
// by default $XDG_RUNTIME_DIR/aiotools/NAME.sock, else
// $TMPDIR/aiotools-UID/NAME.sock — in a 0700 directory, mode 0600; the
// peer's uid is checked with SO_PEERCRED (same user or root only). The
// server holds an exclusive flock on NAME.sock.lock beside the socket for
// its whole life, so of two programs started at once on one path exactly
// one gets it; the other fails at once. A stale socket is replaced; a
// live one is never taken over. TCP is
// optional: without a Token only on loopback (and only for loopback Host
// headers), with a Token (compared in constant time) anywhere. Request
// body, headers, header and read time, idle time and the number of
// connections are bounded; a bad request gets a JSON error and the
// listener goes on.
//
//	srv, err := control.NewServer(control.Config{Components: control.Components{Group: g}})
//	defer srv.Close()
//	fmt.Println("aioctl --socket", srv.SocketPath(), "status")
//
// Endpoints: POST /v1/exec {"argv": [...]} or {"line": "..."} (with
// "output": "json" for data) answers a Response; POST /v1/stream streams
// follow and log -f as Server-Sent Events; GET /v1/verbs is the table;
// GET /v1/health.
//
// Package control/client is the Go client; cmd/aioctl is the CLI.
//
// # The console
//
// Console runs the interpreter on a reader and a writer (stdin and
// stdout in a program), as the seed's aiorepl task did.
package control
