package control

import "github.com/aiotools-go/aiotools/control/api"

// Request is the body of POST /v1/exec and POST /v1/stream (api.Request).
type Request = api.Request

// Response is the body of every answer of POST /v1/exec, and of every
// error of the API (api.Response).
type Response = api.Response

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
