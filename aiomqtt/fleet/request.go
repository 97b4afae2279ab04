package fleet

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/control/api"
)

// MaxRequestBytes is the largest request payload a device takes; a larger
// one gets a too_large error reply and runs nothing.
const MaxRequestBytes = 8 << 10

// ContentJSON is the MQTT v5 Content Type of a request given as an
// api.Request JSON object, and of every reply (an api.Response).
const ContentJSON = "application/json"

// DecodeRequest decodes a request payload: one command line, as typed in
// the aioctl shell ("stop blink", "set args blink '{\"pin\": 3}'"), or an
// api.Request JSON object ({"argv": […]} or {"line": "…"}, with "output":
// "json" for Data instead of Text) when contentType is ContentJSON or the
// payload starts with '{'. It checks the size (MaxRequestBytes), UTF-8 and
// the quoting, not the verb: the interpreter does that. Every error is an
// *api.Error (too_large or bad_request) whose message says what is wrong.
func DecodeRequest(payload []byte, contentType string) ([]string, api.Options, error) {
	var opt api.Options
	if len(payload) > MaxRequestBytes {
		return nil, opt, api.NewError(api.CodeTooLarge, "request of "+strconv.Itoa(len(payload))+" bytes, over the limit of "+strconv.Itoa(MaxRequestBytes))
	}
	if !utf8.Valid(payload) {
		return nil, opt, api.NewError(api.CodeBadRequest, "request is not UTF-8")
	}
	trimmed := bytes.TrimSpace(payload)
	if contentType == ContentJSON || len(trimmed) > 0 && trimmed[0] == '{' {
		var r api.Request
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, opt, api.NewError(api.CodeBadRequest, "request JSON: "+err.Error())
		}
		if dec.More() {
			return nil, opt, api.NewError(api.CodeBadRequest, "request JSON: data after the object")
		}
		switch r.Output {
		case "", "text":
		case "json":
			opt.JSON = true
		default:
			return nil, opt, api.NewError(api.CodeBadRequest, "request JSON: output "+strconv.Quote(r.Output)+": want text or json")
		}
		if len(r.Argv) > 0 && r.Line != "" {
			return nil, opt, api.NewError(api.CodeBadRequest, "request JSON: give argv or line, not both")
		}
		if len(r.Argv) > 0 {
			if len(r.Argv) > api.MaxArgs {
				return nil, opt, api.NewError(api.CodeBadArgument, "more than "+strconv.Itoa(api.MaxArgs)+" words in the command")
			}
			return r.Argv, opt, nil
		}
		trimmed = []byte(r.Line)
	}
	argv, err := api.ParseLine(string(trimmed))
	if err != nil {
		return nil, opt, err
	}
	if len(argv) == 0 {
		return nil, opt, api.NewError(api.CodeUnknownVerb, "empty command: try help")
	}
	return argv, opt, nil
}

// EncodeRequest is the payload of a request for argv: an api.Request
// JSON object, which DecodeRequest takes back.
func EncodeRequest(argv []string, opt api.Options) []byte {
	b, _ := json.Marshal(api.Request{Argv: argv, Output: opt.Output()})
	return b
}
