package api

import "encoding/json"

// Request is the body of POST /v1/exec and POST /v1/stream. Give the
// command either as words (Argv) or as one line (Line, parsed by ParseLine).
type Request struct {
	Argv []string `json:"argv,omitempty"`
	Line string   `json:"line,omitempty"`
	// Output is "text" (the default: Response.Text) or "json" (Response.Data).
	Output string `json:"output,omitempty"`
	// Color asks for coloured text (the client is on a terminal).
	Color bool `json:"color,omitempty"`
}

// Response is the body of every answer of POST /v1/exec, and of every
// error of the API (then only Error is set).
type Response struct {
	Verb string `json:"verb,omitempty"`
	// OK is true when the command did all it was asked.
	OK bool `json:"ok"`
	// Exit is the exit status for a CLI: 0 done, 1 failed, or one of the
	// verb's ExitCodes (systemctl's for status and is-active).
	Exit int `json:"exit"`
	// Data is the result as JSON (Output "json").
	Data json.RawMessage `json:"data,omitempty"`
	// Text is the result as printed (Output "text").
	Text  string `json:"text,omitempty"`
	Error *Error `json:"error,omitempty"`
}

// Options says how a result is wanted.
type Options struct {
	// JSON asks for Result.Data only; otherwise Result.Text is filled.
	JSON bool
	// Color paints the text (set it only for a terminal).
	Color bool
}

// Output is the Request.Output value for o: "json" or "text".
func (o Options) Output() string {
	if o.JSON {
		return "json"
	}
	return "text"
}

// Event is one item of a stream (follow): a log line, or a notice that
// Lost lines were overwritten before the reader got them. On the wire
// (POST /v1/stream) each event is one Server-Sent Event "data:" line of
// JSON; a failed stream ends with "event: error" and an Error.
type Event struct {
	Seq   uint64 `json:"seq,omitempty"`
	Text  string `json:"text"`
	Task  string `json:"task,omitempty"`
	Level string `json:"level,omitempty"`
	Lost  uint64 `json:"lost,omitempty"`
}

// Exit codes, as systemctl uses them.
const (
	ExitOK        = 0
	ExitFailure   = 1
	ExitUsage     = 2 // a usage error: unknown verb, bad argument
	ExitNotActive = 3
	ExitNoSuch    = 4
)

// The HTTP endpoints of the control server.
const (
	// PathExec runs a one-shot command: POST a Request, get a Response.
	PathExec = "/v1/exec"
	// PathStream runs a streaming command: POST a Request, get events.
	PathStream = "/v1/stream"
	// PathVerbs answers GET with the verb table ([]Verb).
	PathVerbs = "/v1/verbs"
	// PathHealth answers GET with {"ok": true, "pid": N}.
	PathHealth = "/v1/health"
)

// Health is the body of GET /v1/health.
type Health struct {
	OK  bool `json:"ok"`
	PID int  `json:"pid"`
}
