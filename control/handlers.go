package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
)

// readRequest decodes and bounds a command request.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) ([]string, *Request, *Error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		return nil, nil, errorf(CodeMethodNotAllowed, r.URL.Path+" takes POST, not "+truncate(r.Method, 20))
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, nil, errorf(CodeBadRequest, "Content-Type must be application/json, got "+truncate(ct, 60))
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return nil, nil, errorf(CodeTooLarge, fmt.Sprintf("request body is %d bytes, over the limit of %d", r.ContentLength, s.cfg.MaxBodyBytes))
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	dec.DisallowUnknownFields()
	var req Request
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, nil, errorf(CodeTooLarge, fmt.Sprintf("request body is over the limit of %d bytes", s.cfg.MaxBodyBytes))
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return nil, nil, errorf(CodeBadRequest, "request body is empty or truncated")
		}
		return nil, nil, errorf(CodeBadRequest, "request body is not a command request: "+requestJSONError(err))
	}
	// Anything after the object, a stray '}' too (dec.More lets it by).
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errorf(CodeBadRequest, "request body has data after the JSON object (one command a request)")
	}
	if req.Output != "" && req.Output != "text" && req.Output != "json" {
		return nil, nil, errorf(CodeBadRequest, "output must be text or json, got "+truncate(req.Output, 20))
	}
	switch {
	case req.Line != "" && len(req.Argv) > 0:
		return nil, nil, errorf(CodeBadRequest, "give argv or line, not both")
	case req.Line != "":
		argv, err := ParseLine(req.Line)
		if err != nil {
			return nil, nil, asError(err)
		}
		return argv, &req, nil
	}
	return req.Argv, &req, nil
}

// requestJSONError words a decode error of a command request for its
// sender: the field and the JSON it wants, never a Go type name
// ("cannot unmarshal array into Go value of type api.Request").
func requestJSONError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		want := map[string]string{
			"argv": "a list of strings (the command's words)", "line": "a string (the command line)",
			"output": `"text" or "json"`, "color": "true or false",
		}[te.Field]
		if te.Field == "" || want == "" {
			return `want a JSON object like {"argv": ["status"]}, got a JSON ` + te.Value
		}
		return fmt.Sprintf("field %q wants %s, got a JSON %s", te.Field, want, te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + `: a request has "argv" or "line", "output" and "color"`
	}
	return truncate(err.Error(), 200)
}

func (s *Server) handleExec(w http.ResponseWriter, r *http.Request) {
	argv, req, e := s.readRequest(w, r)
	if e != nil {
		s.log.Debug("control: bad request", "err", e.Message)
		writeError(w, e)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
	// A command runs to its end even if the client goes away: a stop
	// cut short would leave tasks marked unresponsive.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.RequestTimeout)
	defer cancel()
	res := s.in.Exec(ctx, argv, Options{JSON: req.Output == "json", Color: req.Color})
	body, err := encodeResult(res)
	if err != nil {
		writeError(w, errorf(CodeInternal, "encoding the result: "+err.Error()))
		return
	}
	status := http.StatusOK
	if res.Err != nil {
		status = res.Err.HTTPStatus()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
}

// handleStream answers with Server-Sent Events: one "data:" event per
// Event, an "event: error" with an Error if the stream fails.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	argv, _, e := s.readRequest(w, r)
	if e == nil {
		if err := s.in.check(argv, true); err != nil {
			e = asError(err)
		}
	}
	if e != nil {
		writeError(w, e)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	var buf []byte
	err := s.in.Stream(r.Context(), argv, func(ev Event) error {
		b, err := marshalSafe(ev)
		if err != nil {
			return err
		}
		buf = append(append(append(buf[:0], "data: "...), b...), '\n', '\n')
		rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		if _, err := w.Write(buf); err != nil {
			return err
		}
		return rc.Flush()
	})
	if err != nil && r.Context().Err() == nil {
		b, _ := marshalSafe(asError(err))
		fmt.Fprintf(w, "event: error\ndata: %s\n\n", b)
		rc.Flush()
	}
}

func (s *Server) handleVerbs(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeError(w, errorf(CodeMethodNotAllowed, "/v1/verbs takes GET"))
		return
	}
	writeJSON(w, http.StatusOK, s.in.Verbs())
}

// Health is the body of GET /v1/health (api.Health).
type Health = api.Health

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Health{OK: true, PID: os.Getpid()})
}
