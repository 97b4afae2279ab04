package aioweb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A known path asked with a method it does not take answers 405 with
// Allow, as /exec does; an unknown path says there is no such page and
// names the dashboard's pages, not only the API's endpoints. The codes
// are the API's stable ones.
func TestWrongMethodAndUnknownPath(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		method, path string
		bearer       bool // an API client's request, with the token
		status       int
		allow, code  string
		msg          []string
	}{
		{"DELETE", "/", false, 405, "GET, HEAD", "method_not_allowed", []string{"DELETE", "GET"}},
		{"POST", "/log", false, 405, "GET, HEAD", "method_not_allowed", []string{"/log"}},
		{"PUT", "/events", false, 405, "GET, HEAD", "method_not_allowed", []string{"/events"}},
		{"POST", "/task?name=blink", false, 405, "GET, HEAD", "method_not_allowed", []string{"/task"}},
		{"PATCH", "/services", false, 405, "GET, HEAD", "method_not_allowed", nil},
		{"POST", "/log/events", false, 405, "GET, HEAD", "method_not_allowed", nil},
		{"POST", "/static/app.js", false, 405, "GET, HEAD", "method_not_allowed", nil},
		{"GET", "/exec", false, 405, "POST", "method_not_allowed", []string{`"/exec" takes POST, not GET`}}, // as the others word it
		{"GET", "/nope", false, 404, "", "no_endpoint", []string{`"/nope"`, "/task", "/log", "/services", "/v1/exec"}},
		{"GET", "/favicon.ico", false, 404, "", "no_endpoint", []string{`"/favicon.ico"`, "/services"}},
		{"POST", "/nope/deeper", false, 404, "", "no_endpoint", []string{`"/nope/deeper"`, "/services"}},
		{"GET", "/x%C2%9B%E2%80%AEy", false, 404, "", "no_endpoint", []string{`"/x\u009b\u202ey"`}}, // C1 and bidi controls quoted
		{"GET", "/v1/nope", true, 404, "", "no_endpoint", []string{"/v1/exec"}},
	} {
		req, _ := http.NewRequest(tc.method, f.base+tc.path, nil)
		if tc.bearer {
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		resp, err := f.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var a execAnswer
		err = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if err != nil || a.Error == nil {
			t.Errorf("%s %s: %d, body not a JSON error: %v", tc.method, tc.path, resp.StatusCode, err)
			continue
		}
		if resp.StatusCode != tc.status || string(a.Error.Code) != tc.code || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %s Allow %q (%s), want %d %s Allow %q", tc.method, tc.path, resp.StatusCode, a.Error.Code,
				resp.Header.Get("Allow"), a.Error.Message, tc.status, tc.code, tc.allow)
		}
		for _, w := range tc.msg {
			if !strings.Contains(a.Error.Message, w) {
				t.Errorf("%s %s: message %q lacks %q", tc.method, tc.path, a.Error.Message, w)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s %s: no security headers", tc.method, tc.path)
		}
	}
}
