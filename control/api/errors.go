package api

import "net/http"

// Code is the stable, machine-readable kind of an Error. Front ends and
// scripts test the code, never the message.
type Code string

// The error codes of the control API.
const (
	// CodeUnknownVerb: the first word of the command is not in the verb table.
	CodeUnknownVerb Code = "unknown_verb"
	// CodeBadArgument: wrong number or form of arguments, a bad name, bad JSON.
	CodeBadArgument Code = "bad_argument"
	// CodeNotFound: a name or pattern matched no task or service.
	CodeNotFound Code = "not_found"
	// CodeNotAvailable: the verb needs a component the program did not give
	// the interpreter (a log, a scheduler, services).
	CodeNotAvailable Code = "not_available"
	// CodeUnauthorized: a missing or wrong token, or a peer of another user.
	CodeUnauthorized Code = "unauthorized"
	// CodeTooLarge: the request body is over the limit.
	CodeTooLarge Code = "too_large"
	// CodeBadRequest: the HTTP request itself is malformed (not JSON, truncated).
	CodeBadRequest Code = "bad_request"
	// CodeMethodNotAllowed: wrong HTTP method for the endpoint.
	CodeMethodNotAllowed Code = "method_not_allowed"
	// CodeNoEndpoint: no such HTTP path.
	CodeNoEndpoint Code = "no_endpoint"
	// CodeTimeout: a task did not stop in time, or the request ran out of time.
	CodeTimeout Code = "timeout"
	// CodeConflict: the request cannot be done in the current state (a task
	// still stopping).
	CodeConflict Code = "conflict"
	// CodeNotStream / CodeStreamOnly: a streaming verb sent to the one-shot
	// endpoint, or the reverse.
	CodeNotStream  Code = "not_stream"
	CodeStreamOnly Code = "stream_only"
	// CodeTooManyConns: the server is at its connection limit.
	CodeTooManyConns Code = "too_many_connections"
	// CodeIOError: the program could not read or write a file it needed (a
	// full disk or a read-only file while writing the services config);
	// the message names the file and the cause.
	CodeIOError Code = "io_error"
	// CodeLoadFailed: a service did not load: its constructor failed or
	// panicked (services traceback shows why, with the stack).
	CodeLoadFailed Code = "load_failed"
	// CodeNoProgram: the client found no program to talk to (no socket,
	// a stale socket nobody listens on, a refused connection). Only
	// clients give it; the message says what they tried.
	CodeNoProgram Code = "no_program"
	// CodeInternal: a bug; the message says what.
	CodeInternal Code = "internal"
)

// Error is an error of the control API: a stable Code and a message for
// people. It travels as JSON: {"code": "not_found", "message": "…"}.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// Error returns the message (the code is in Code).
func (e *Error) Error() string { return e.Message }

// HTTPStatus is the HTTP status the server answers with for the code.
func (e *Error) HTTPStatus() int {
	switch e.Code {
	case CodeUnknownVerb, CodeBadArgument, CodeBadRequest, CodeNotStream, CodeStreamOnly:
		return http.StatusBadRequest
	case CodeNotFound, CodeNoEndpoint:
		return http.StatusNotFound
	case CodeNotAvailable:
		return http.StatusNotImplemented
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeTimeout:
		return http.StatusGatewayTimeout
	case CodeConflict:
		return http.StatusConflict
	case CodeLoadFailed:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// ExitFor is the exit status a CLI gives for an error of this code, as
// systemctl does: 2 for a usage error (unknown verb, bad argument), 4 for
// a name or pattern that matched nothing, 1 for the rest.
func ExitFor(code Code) int {
	switch code {
	case CodeUnknownVerb, CodeBadArgument:
		return ExitUsage
	case CodeNotFound:
		return ExitNoSuch
	}
	return ExitFailure
}

// NewError returns an *Error with the code and the message.
func NewError(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }
