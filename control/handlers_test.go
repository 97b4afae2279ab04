package control_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// FuzzServerRequest: whatever method, path, headers and body a client
// sends, the server answers JSON (or an event stream), never panics or
// reports an internal error, and every refusal carries an error code;
// without the right token nothing but a 401 comes back.
func FuzzServerRequest(f *testing.F) {
	const token = "0123456789abcdef-secret"
	for _, s := range []struct{ method, path, ctype, auth, body string }{
		{"POST", "/v1/exec", "application/json", token, `{"argv":["status"]}`},
		{"POST", "/v1/exec", "application/json", token, `{"line":"status one debug","output":"json"}`},
		{"POST", "/v1/exec", "application/json", token, `{"argv":["log","-n","1"],"output":"text","color":true}`},
		{"POST", "/v1/exec", "application/json", token, `{"argv":["status"],"line":"x"}`},
		{"POST", "/v1/exec", "application/json", token, `{"argv":["status"]} {}`},
		{"POST", "/v1/exec", "application/json", token, `{"argv":["status"],"extra":1}`},
		{"POST", "/v1/exec", "application/json", token, `{"line":"log 'open"}`},
		{"POST", "/v1/exec", "text/plain", token, `status`},
		{"POST", "/v1/exec", "application/json", "nope", `{"argv":["stop","one"]}`},
		{"POST", "/v1/stream", "application/json", token, `{"argv":["follow"]}`},
		{"POST", "/v1/stream", "application/json", token, `{"argv":["status"]}`},
		{"GET", "/v1/verbs", "", token, ""},
		{"GET", "/v1/health", "", token, ""},
		{"GET", "/v1/exec", "", token, ""},
		{"DELETE", "/nowhere", "", token, ""},
		{"POST", "/v1/exec", "application/json", token, `{"argv":` + strings.Repeat("[", 100)},
	} {
		f.Add(s.method, s.path, s.ctype, s.auth, []byte(s.body))
	}
	g := aioctl.NewGroup()
	aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("one"))
	in, err := control.NewInterp(control.Components{Group: g, Log: aiolog.New(8 << 10)})
	if err != nil {
		f.Fatal(err)
	}
	handlers := map[bool]http.Handler{true: control.HandlerForTest(in, token), false: control.HandlerForTest(in, "")}
	f.Fuzz(func(t *testing.T, method, path, ctype, auth string, body []byte) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " #?%") ||
			strings.ContainsAny(ctype+auth, "\r\n\x00") {
			return // not something a client can send
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return
		}
		req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Authorization", "Bearer "+auth)
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // streams end at once
		req = req.WithContext(ctx)
		for tcp, h := range handlers {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if tcp && auth != token && res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s %s with token %q: HTTP %d, want 401", method, path, auth, res.StatusCode)
			}
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
				if res.StatusCode != http.StatusOK {
					t.Fatalf("stream with HTTP %d", res.StatusCode)
				}
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%s %s: Content-Type %q", method, path, ct)
			}
			b := rec.Body.Bytes()
			if !json.Valid(b) {
				t.Fatalf("%s %s: answer is not JSON: %q", method, path, b)
			}
			if res.StatusCode == http.StatusOK {
				continue
			}
			var resp control.Response
			if err := json.Unmarshal(b, &resp); err != nil || resp.Error == nil || resp.Error.Code == "" || resp.OK {
				t.Fatalf("%s %s: HTTP %d without an error code: %q (%v)", method, path, res.StatusCode, b, err)
			}
			if resp.Error.Code == control.CodeInternal {
				t.Fatalf("%s %s %q: internal error %q", method, path, body, resp.Error.Message)
			}
		}
	})
}

// validMethod: an HTTP token (what net/http accepts as a method).
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return true
}
