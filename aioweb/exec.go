package aioweb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aiotools-go/aiotools/control"
)

// maxExecBytes bounds the body of POST /exec (a command and its JSON).
const maxExecBytes = 64 << 10

// execRequest is the body of POST /exec: a command of the verb table, as
// words (["stop", "blink"], ["set args", "blink", "{\"pin\": 3}"]).
type execRequest struct {
	Argv []string `json:"argv"`
	// JSON asks for the result as data instead of text.
	JSON bool `json:"json,omitempty"`
}

// execAnswer is the answer of POST /exec.
type execAnswer struct {
	OK    bool           `json:"ok"`
	Verb  string         `json:"verb,omitempty"`
	Text  string         `json:"text,omitempty"`
	Data  any            `json:"data,omitempty"`
	Error *control.Error `json:"error,omitempty"`
}

// exec runs one command through the interpreter: every button of the
// dashboard is a verb of the one command table, checked and run as
// aioctl's are.
func (d *Dashboard) exec(w http.ResponseWriter, r *http.Request) {
	var req execRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxExecBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeJSONError(w, http.StatusRequestEntityTooLarge, "too_large", "request body over 64 KiB")
			return
		}
		writeJSONError(w, http.StatusBadRequest, "bad_request", "request body is not {\"argv\": [...]}: "+err.Error())
		return
	}
	// A command runs to its end even if the page goes away (a stop cut
	// short would leave a task marked unresponsive), but not for ever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), control.DefaultRequestTimeout)
	defer cancel()
	res := d.in.Exec(ctx, req.Argv, control.Options{JSON: req.JSON})
	a := execAnswer{OK: res.Err == nil, Verb: res.Verb, Text: res.Text, Data: res.Data, Error: res.Err}
	status := http.StatusOK
	if res.Err != nil {
		status = res.Err.HTTPStatus()
	}
	writeJSON(w, status, a)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v) // escapes <, > and & too: safe in any context
	if err != nil {
		status = http.StatusInternalServerError
		b = mustJSON(execAnswer{Error: &control.Error{Code: "internal", Message: "encoding the answer: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, execAnswer{Error: &control.Error{Code: control.Code(code), Message: msg}})
}

// execData runs a verb for its JSON result and decodes it into v.
func (d *Dashboard) execData(ctx context.Context, v any, argv ...string) *control.Error {
	res := d.in.Exec(ctx, argv, control.Options{JSON: true})
	if res.Data != nil {
		b, err := json.Marshal(res.Data)
		if err == nil {
			err = json.Unmarshal(b, v)
		}
		if err != nil && res.Err == nil {
			return &control.Error{Code: "internal", Message: argv[0] + ": decoding its result: " + err.Error()}
		}
	}
	return res.Err
}
