package control

import (
	"bytes"
	"encoding/json"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Request is the body of POST /v1/exec and POST /v1/stream (api.Request).
type Request = api.Request

// Response is the body of every answer of POST /v1/exec, and of every
// error of the API (api.Response).
type Response = api.Response

// EncodeResult is the JSON of r as POST /v1/exec answers it (a Response,
// with a newline): other front ends (the MQTT bridge, aiomqtt) reply with
// the same bytes.
func EncodeResult(r *Result) ([]byte, error) { return encodeResult(r) }

// encodeResult encodes a Result as a Response, encoding Data once (a
// json.RawMessage field would be scanned again by json.Marshal).
func encodeResult(r *Result) ([]byte, error) {
	var data []byte
	var err error
	if sts, ok := r.Data.([]aioctl.TaskStatus); ok && sts != nil {
		// A status: appended by hand into a pooled buffer, as encoding/json
		// would write it (aioctl.TaskStatus.AppendJSON).
		bp := statusBufs.Get().(*[]byte)
		defer putStatusBuf(bp, &data)
		data, err = appendStatusesJSON((*bp)[:0], sts)
	} else {
		data, err = marshalData(r.Data)
	}
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

// marshalData encodes data for the wire, with DEL, C1 and bidi controls
// escaped as \uNNNN (encoding/json escapes only the bytes below 0x20):
// every JSON answer is safe to print on a terminal as it is.
func marshalData(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return marshalSafe(v)
}

// marshalSafe is json.Marshal without HTML escaping (a shell redirect
// ">&2" stays as it is, not "\u003e\u0026": the answers are read by people
// and scripts, never put in a web page raw) and with DEL, C1 and bidi
// controls escaped.
func marshalSafe(v any) ([]byte, error) {
	b, err := marshalPlain(v)
	if err != nil {
		return nil, err
	}
	return termsafe.JSON(b), nil
}

// marshalPlain is json.Marshal without HTML escaping.
func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
