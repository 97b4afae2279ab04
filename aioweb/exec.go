package aioweb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxExecBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeJSONError(w, http.StatusRequestEntityTooLarge, "too_large", "request body over 64 KiB")
			return
		}
		writeJSONError(w, http.StatusBadRequest, "bad_request", "reading the request body: "+err.Error())
		return
	}
	req, msg := decodeExec(body)
	if msg != "" {
		writeJSONError(w, http.StatusBadRequest, "bad_request", msg)
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
		// Not HTML-escaped: the JSON a page shows to edit (a task's
		// arguments, a config entry) reaches it through here, and
		// html/template escapes the page, not json.Marshal.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err := enc.Encode(res.Data)
		if err == nil {
			err = json.Unmarshal(b.Bytes(), v)
		}
		if err != nil && res.Err == nil {
			return &control.Error{Code: "internal", Message: argv[0] + ": decoding its result: " + err.Error()}
		}
	}
	return res.Err
}

// execShape is the form of POST /exec's body, for its error messages.
const execShape = `{"argv": ["stop", "blink"], "json": false}`

// execWants says what each field of execRequest wants, in JSON's words:
// a decoding error names the field and the JSON type it got, never a Go
// type (encoding/json's own messages name execRequest, []string, bool).
var execWants = map[string]string{
	"":     "a JSON object like " + execShape,
	"argv": "a list of strings (the command's words)",
	"json": "true or false",
}

// decodeExec decodes POST /exec's body: one JSON object, nothing after
// it (a second command would be dropped silently), no unknown field. The
// message says what is wrong in the body's terms; "" when it is right.
func decodeExec(body []byte) (execRequest, string) {
	var req execRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case err == nil:
		if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
			return req, "request body has data after the JSON object: " + quoteCut(rest) + " (one command a request)"
		}
		return req, ""
	case errors.Is(err, io.EOF):
		return req, "request body is empty: want " + execShape
	case errors.Is(err, io.ErrUnexpectedEOF):
		return req, "request body is truncated JSON: want " + execShape
	case errors.As(err, &se):
		return req, "request body is not JSON: " + strings.TrimPrefix(se.Error(), "json: ") + " at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		field := te.Field // the path of JSON keys, "" for the body itself
		want, ok := execWants[field]
		if !ok { // a field added without its words
			want = "another JSON type"
		}
		if field == "" {
			return req, "request body must be " + want + ", got a JSON " + te.Value
		}
		return req, "request body: field " + strconv.Quote(field) + " wants " + want + ", got a JSON " + te.Value
	}
	// Unknown fields: encoding/json words them `json: unknown field "x"`.
	return req, "request body: " + strings.TrimPrefix(err.Error(), "json: ") + " (want " + execShape + ")"
}

// quoteCut quotes what the client sent for a message, cut short when long.
func quoteCut(b []byte) string {
	const max = 60
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut])) + "…"
}
