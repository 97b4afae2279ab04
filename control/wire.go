package control

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
	// Exit is the exit status for a CLI (see Result.Exit).
	Exit int `json:"exit"`
	// Data is the result as JSON (Output "json").
	Data json.RawMessage `json:"data,omitempty"`
	// Text is the result as printed (Output "text").
	Text  string `json:"text,omitempty"`
	Error *Error `json:"error,omitempty"`
}

// encodeResult encodes a Result as a Response, encoding Data once (a
// json.RawMessage field would be scanned again by json.Marshal).
func encodeResult(r *Result) ([]byte, error) {
	data, err := marshalData(r.Data)
	if err != nil {
		return nil, err
	}
	b, err := marshalSafe(Response{Verb: r.Verb, OK: r.Err == nil, Exit: r.Exit, Text: r.Text, Error: r.Err})
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		b = append(append(append(b[:len(b)-1], `,"data":`...), data...), '}')
	}
	return append(b, '\n'), nil
}
