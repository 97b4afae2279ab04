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

// Request is a decoded request.
type Request struct {
	Argv    []string
	Options api.Options
	// StopFollow asks the device to stop the log follow a streaming
	// request started (its Argv is then empty).
	StopFollow bool
}

// wireRequest is api.Request with the fleet's own field.
type wireRequest struct {
	api.Request
	// Follow "stop" ends the device's log follow.
	Follow string `json:"follow,omitempty"`
}

// DecodeRequest decodes a request payload: one command line, as typed in
// the aioctl shell ("stop blink", "set args blink '{\"pin\": 3}'"), or an
// api.Request JSON object ({"argv": […]} or {"line": "…"}, with "output":
// "json" for Data instead of Text; {"follow": "stop"} ends a log follow)
// when contentType is ContentJSON or the payload starts with '{'. It checks the size (MaxRequestBytes), UTF-8 and
// the quoting, not the verb: the interpreter does that. Every error is an
// *api.Error (too_large or bad_request) whose message says what is wrong.
func DecodeRequest(payload []byte, contentType string) (Request, error) {
	argv, opt, stop, err := decodeRequest(payload, contentType)
	if err != nil {
		return Request{}, err
	}
	return Request{Argv: argv, Options: opt, StopFollow: stop}, nil
}

func decodeRequest(payload []byte, contentType string) ([]string, api.Options, bool, error) {
	var opt api.Options
	if len(payload) > MaxRequestBytes {
		return nil, opt, false, api.NewError(api.CodeTooLarge, "request of "+strconv.Itoa(len(payload))+" bytes, over the limit of "+strconv.Itoa(MaxRequestBytes))
	}
	if !utf8.Valid(payload) {
		return nil, opt, false, api.NewError(api.CodeBadRequest, "request is not UTF-8")
	}
	trimmed := bytes.TrimSpace(payload)
	if contentType == ContentJSON || len(trimmed) > 0 && trimmed[0] == '{' {
		var r wireRequest
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: "+err.Error())
		}
		if dec.More() {
			return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: data after the object")
		}
		switch r.Output {
		case "", "text":
		case "json":
			opt.JSON = true
		default:
			return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: output "+strconv.Quote(r.Output)+": want text or json")
		}
		switch r.Follow {
		case "":
		case "stop":
			if len(r.Argv) > 0 || r.Line != "" {
				return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: follow stop takes no command")
			}
			return nil, opt, true, nil
		default:
			return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: follow "+strconv.Quote(r.Follow)+": only \"stop\"")
		}
		if len(r.Argv) > 0 && r.Line != "" {
			return nil, opt, false, api.NewError(api.CodeBadRequest, "request JSON: give argv or line, not both")
		}
		if len(r.Argv) > 0 {
			if len(r.Argv) > api.MaxArgs {
				return nil, opt, false, api.NewError(api.CodeBadArgument, "more than "+strconv.Itoa(api.MaxArgs)+" words in the command")
			}
			return r.Argv, opt, false, nil
		}
		trimmed = []byte(r.Line)
	}
	argv, err := api.ParseLine(string(trimmed))
	if err != nil {
		return nil, opt, false, err
	}
	if len(argv) == 0 {
		return nil, opt, false, api.NewError(api.CodeUnknownVerb, "empty command: try help")
	}
	return argv, opt, false, nil
}

// EncodeRequest is the payload of a request for argv: an api.Request
// JSON object, which DecodeRequest takes back.
func EncodeRequest(argv []string, opt api.Options) []byte {
	b, _ := json.Marshal(api.Request{Argv: argv, Output: opt.Output()})
	return b
}

// StopFollowRequest is the payload that ends a device's log follow.
var StopFollowRequest = []byte(`{"follow": "stop"}`)
