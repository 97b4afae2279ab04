package aioweb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Every button is a verb of the command table, run by the interpreter:
// the answer is the verb's, errors included.
func TestExecButtons(t *testing.T) {
	f := newFixture(t)
	state := func(name string) string {
		t.Helper()
		tk, ok := f.g.Get(name)
		if !ok {
			return "gone"
		}
		return tk.State().String()
	}
	for _, tc := range []struct {
		argv     []string
		status   int
		text     string // in the answer's text or error message
		name     string // a task whose state follows
		wantSate string
	}{
		{[]string{"stop", "blink"}, 200, "stopped: blink", "blink", "stopped"},
		{[]string{"start", "blink"}, 200, "started: blink", "blink", "running"},
		{[]string{"restart", "blink"}, 200, "restarted: blink", "blink", "running"},
		{[]string{"delete", "answer"}, 200, "deleted: answer", "answer", "gone"},
		{[]string{"stop", "nosuch"}, 404, `no task matches "nosuch"`, "", ""},
		{[]string{"set", "args", "blink", `{"pin": `}, 400, "JSON", "", ""},
		{[]string{"set", "args", "blink", `{"pin": "three"}`}, 400, "pin", "", ""},
		{[]string{"set", "args", "blink", `{"pin": 7}`}, 200, "blink", "", ""},
		{[]string{"services", "disable", "hello"}, 200, "disabled: hello", "", ""},
		{[]string{"services", "enable", "hello"}, 200, "enabled: hello", "", ""},
		{[]string{"services", "config", "hello", `{"args": {"pin": "x"}}`}, 400, "pin", "", ""},
		{[]string{"services", "config", "hello", `{"args": {"pin": 9}}`}, 200, "config written", "", ""},
		{[]string{"frobnicate"}, 400, "unknown verb", "", ""},
		{[]string{"follow"}, 400, "streams", "", ""},
	} {
		st, a := f.exec(t, tc.argv...)
		msg := a.Text
		if a.Error != nil {
			msg = a.Error.Message
		}
		if st != tc.status || !strings.Contains(msg, tc.text) || a.OK != (tc.status == 200) {
			t.Errorf("%q: %d ok=%v %q, want %d with %q", tc.argv, st, a.OK, msg, tc.status, tc.text)
		}
		if tc.name != "" {
			if got := state(tc.name); got != tc.wantSate {
				t.Errorf("%q: %s is %s, want %s", tc.argv, tc.name, got, tc.wantSate)
			}
		}
	}
	_, body := f.get(t, "/task?name=blink")
	if !strings.Contains(body, `&#34;pin&#34;: 7`) && !strings.Contains(body, "pending") {
		t.Errorf("set args 7 not shown on the task page:\n%s", body)
	}
	if _, body := f.get(t, "/services"); !strings.Contains(body, "&#34;pin&#34;: 9") {
		t.Errorf("services config not shown on the services page:\n%s", body)
	}
}

// POST /exec bounds and checks its body.
func TestExecBadBody(t *testing.T) {
	f := newFixture(t)
	post := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, f.base+"/exec", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(csrfHeader, f.d.csrf)
		return status(t, f.c, req)
	}
	for body, want := range map[string]int{
		`{"argv": ["status"], "evil": 1}`: 400,
		`not json`:                        400,
		`{"argv": ["stop", "` + strings.Repeat("x", 70<<10) + `"]}`: 413,
		`{"argv": ["status"]}`: 200,
	} {
		if got := post(body); got != want {
			t.Errorf("POST %.40q: %d, want %d", body, got, want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, f.base+"/exec", nil)
	if got := status(t, f.c, req); got != http.StatusMethodNotAllowed {
		t.Errorf("GET /exec: %d, want 405", got)
	}
}

// POST /exec refuses data after the command (a second command is never
// dropped silently; a refused body runs nothing) and says what was wrong in the body's terms:
// which field wants which JSON type, never a Go type name.
func TestExecBodyErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		body string
		want []string // in the error message
	}{
		{`{"argv":["is-active","blink"]} {"argv":["stop","blink"]}`, []string{"after the JSON object", `{\"argv\":[\"stop\",\"blink\"]}`}},
		{`{"argv":["stop","blink"]}}`, []string{"after the JSON object", `"}"`}},
		{`{"argv":["stop","blink"]} x`, []string{"after the JSON object", `"x"`}},
		{`["stop","blink"]`, []string{"a JSON object", `{"argv": [`, "got a JSON array"}},
		{`{"argv":"stop blink"}`, []string{`"argv"`, "a list of strings", "got a JSON string"}},
		{`{"argv":["stop",2]}`, []string{`"argv"`, "a list of strings", "got a JSON number"}},
		{`{"argv":["status"],"json":"yes"}`, []string{`"json"`, "true or false", "got a JSON string"}},
		{`{"argv":["status"],"evil":1}`, []string{`unknown field "evil"`, "argv", "json"}},
		{`{"argv":["status"`, []string{"truncated"}},
		{``, []string{"empty"}},
		{`not json`, []string{"not JSON", "byte 2"}},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.base+"/exec", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(csrfHeader, f.d.csrf)
		resp, err := f.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var a execAnswer
		err = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if err != nil || a.Error == nil || resp.StatusCode != http.StatusBadRequest || a.Error.Code != "bad_request" {
			t.Errorf("POST %s: %d %+v (%v), want 400 bad_request", tc.body, resp.StatusCode, a.Error, err)
			continue
		}
		msg := a.Error.Message
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("POST %s: message %q lacks %q", tc.body, msg, w)
			}
		}
		for _, goName := range []string{"Go value", "execRequest", "aioweb.", "[]string", "bool", "json: "} {
			if strings.Contains(msg, goName) {
				t.Errorf("POST %s: message %q shows Go's %q", tc.body, msg, goName)
			}
		}
	}
	if tk, _ := f.g.Get("blink"); tk.State().String() != "running" {
		t.Errorf("blink is %s: a refused body's command ran", tk.State())
	}
}
