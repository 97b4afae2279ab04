package aioweb

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control/api"
)

// Each page shows what its verbs give, as text: a task named <script>
// and a log line with HTML reach the page escaped.
func TestPages(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{`data-name="blink"`, `<span class="dot st-green" title="running">`, `<td class="result">42</td>`,
			`error: 1`, `running: `, `data-verb="stop" data-name="blink"`, `href="/task?name=answer"`,
			html.EscapeString(evilName)}},
		{"/?filter=b%2A", 200, []string{`value="b*"`}},
		{"/task?name=blink", 200, []string{`<h1><span id="dot" class="dot st-green"></span> blink</h1>`,
			`&#34;pin&#34;: 2`, "LED toggled", `<dd id="restart">never</dd>`, `id="args-form"`, `<pre id="debug-status">● blink`}},
		{"/task?name=dofail", 200, []string{`class="dot st-red"`, "division by zero"}},
		{"/task?name=nosuch", 404, []string{"no task"}},
		{"/log?grep=LED&mode=regexp&level=WARN", 200, []string{`value="LED"`, `<option value="regexp" selected>`, `<option selected>WARN</option>`}},
		{"/services", 200, []string{`data-service="hello"`, "Hello example runner v1.0", `class="toggle" data-service="hello" checked`,
			`id="boot-order"`, "<li>network</li>", "&#34;pin&#34;: 3"}},
	} {
		resp, body := f.get(t, tc.path)
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", tc.path, ct)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in\n%s", tc.path, w, body)
			}
		}
		if strings.Contains(body, evilName) || strings.Contains(body, "<b>bold") || strings.Contains(body, "<img") {
			t.Errorf("GET %s: untrusted text unescaped:\n%s", tc.path, body)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " on") && strings.Contains(body, "onerror=") {
			t.Errorf("GET %s: inline script or style:\n%s", tc.path, body)
		}
	}
}

// The log shows a task's HTML as text, on the page of the task whose name
// is HTML (reached by its escaped query).
func TestEscapedLogLine(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/log")
	if strings.Contains(body, "<b>") {
		t.Fatalf("log page: %s", body)
	}
	// The task's own page: its name cannot be typed as a verb's argument
	// (not a valid name), so the page says so, escaped.
	resp, body := f.get(t, "/task?name="+strings.NewReplacer("<", "%3C", ">", "%3E", `"`, "%22", " ", "+").Replace(evilName))
	if resp.StatusCode == http.StatusOK || strings.Contains(body, evilName) || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("task page of %s: %d\n%s", evilName, resp.StatusCode, body)
	}
}

// The static assets are embedded, typed, and small.
func TestAssets(t *testing.T) {
	f := newFixture(t)
	for path, ct := range map[string]string{"/static/app.js": "text/javascript; charset=utf-8", "/static/style.css": "text/css; charset=utf-8"} {
		resp, body := f.get(t, path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || len(body) == 0 {
			t.Errorf("%s: %d %q %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
	}
	if resp, _ := f.get(t, "/static/nosuch.js"); resp.StatusCode != 404 {
		t.Errorf("/static/nosuch.js: %d", resp.StatusCode)
	}
}

// A scheduled task's page shows its schedule and next runs; the overview
// its next run.
func TestTaskSchedule(t *testing.T) {
	f := newFixture(t)
	if st, a := f.exec(t, "schedule", "set", "answer", `{"start_in": 3600, "repeat": 600}`); st != 200 {
		t.Fatalf("schedule set: %d %+v", st, a.Error)
	}
	_, body := f.get(t, "/task?name=answer")
	if !strings.Contains(body, "<h2>Schedule</h2>") || strings.Count(body, "<li>20") < 5 || !strings.Contains(body, `id="next-runs"`) {
		t.Errorf("task page of a scheduled task:\n%s", body)
	}
	_, body = f.get(t, "/")
	row := body[strings.Index(body, `data-name="answer"`):]
	row = row[:strings.Index(row, "</tr>")]
	if strings.Count(row, "<td>20") < 2 { // since, and the next run
		t.Errorf("overview row of a scheduled task: %s", row)
	}
}

// The log page's grep box shows a '*' pattern as its example; a '*'
// pattern matches the whole line, so the example must be one that finds
// lines, not "a*pattern", which a user copying it sees match nothing.
func TestLogGrepHintFindsLines(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/log")
	_, after, ok := strings.Cut(body, `placeholder="`)
	hint, _, _ := strings.Cut(after, `"`)
	var example string
	for _, w := range strings.FieldsFunc(html.UnescapeString(hint), func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' }) {
		if strings.Count(w, "*") >= 2 {
			example = w
		}
	}
	if !ok || example == "" {
		t.Fatalf("no * pattern in the grep box's hint %q", hint)
	}
	s := f.stream(t, "/log/events?grep="+url.QueryEscape(example), "")
	if e := s.next(t); e.name != "line" || !strings.Contains(e.data, "LED toggled") {
		t.Errorf("grep %q: first event %+v, want a LED toggled line", example, e)
	}
}

// The overview's "since / done at" of a task running again after an
// earlier run is when it started, not when its previous run ended; of a
// finished task, when it ended.
func TestOverviewSinceOfARunningAgainTask(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)
	ts := []api.TaskStatus{
		{Name: "again", State: "running", Since: t0.Add(time.Hour), Ended: t0},
		{Name: "over", State: "done", Since: t0, Ended: t0.Add(2 * time.Hour)},
		{Name: "first", State: "running", Since: t0.Add(3 * time.Hour)},
	}
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, "overview.html", page{Title: "tasks", Nav: "overview", Data: overviewData{Tasks: ts}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, want string }{{"again", when(t0.Add(time.Hour))}, {"over", when(t0.Add(2 * time.Hour))}, {"first", when(t0.Add(3 * time.Hour))}} {
		_, row, _ := strings.Cut(b.String(), `data-name="`+c.name+`"`)
		row, _, _ = strings.Cut(row, "</tr>")
		if !strings.Contains(row, "<td>"+c.want+"</td>") {
			t.Errorf("%s: want since/done at %s in row\n%s", c.name, c.want, row)
		}
	}
}

// The task page takes a task name, not a pattern: a pattern gets a 400
// that names it and points to the task list's filter, and never a page
// whose buttons or editor act on the tasks it matches (b* is blink).
func TestTaskPageRefusesPattern(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"b*", "*", "*l*"} {
		resp, body := f.get(t, "/task?name="+url.QueryEscape(name))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("/task?name=%s: %d, want 400", name, resp.StatusCode)
		}
		if !strings.Contains(body, "a task name, not a pattern: &#34;"+name+"&#34;") || !strings.Contains(body, "filter") {
			t.Errorf("/task?name=%s: no message naming the pattern and the filter:\n%s", name, body)
		}
		if strings.Contains(body, "data-verb=") || strings.Contains(body, `id="args-form"`) || strings.Contains(body, `data-name=`) ||
			strings.Contains(body, "LED toggled") {
			t.Errorf("/task?name=%s: a page acting on the tasks the pattern matches:\n%s", name, body)
		}
	}
	// A name that is no task: 404, and nothing to act on either.
	resp, body := f.get(t, "/task?name=nosuch")
	if resp.StatusCode != http.StatusNotFound || strings.Contains(body, `id="args-form"`) {
		t.Errorf("/task?name=nosuch: %d\n%s", resp.StatusCode, body)
	}
}

// JSON shown to edit (a task's arguments, a service's config entry) is
// JSON as a user writes it: "<b> & x" stays so, not "\u003cb\u003e
// \u0026 x", while html/template still escapes it for the page.
func TestJSONShownUnescaped(t *testing.T) {
	f := newFixture(t)
	type cmdArgs struct {
		Argv []string `json:"argv"`
	}
	aioctl.MustAdd(f.g, func(ctx context.Context, a cmdArgs) (int, error) { <-ctx.Done(); return 0, nil },
		cmdArgs{Argv: []string{"echo", "<b> & x"}}, aioctl.WithName("quoted"))
	if st, a := f.exec(t, "services", "config", "cmd", `{"enabled": false, "exec": {"argv": ["echo", "<b> & x"]}}`); st != 200 {
		t.Fatalf("services config cmd: %d %+v", st, a.Error)
	}
	// The editors' text. (The debug status is aioctl's text, as the
	// status verb prints it: not JSON that aioweb encodes.)
	editor := func(body, of string) string {
		_, after, _ := strings.Cut(body, of)
		_, after, _ = strings.Cut(after, "<textarea")
		ta, _, _ := strings.Cut(after, "</textarea>")
		return ta
	}
	for _, c := range []struct{ path, of string }{{"/task?name=quoted", `id="args-form"`}, {"/services", `data-service="cmd"`}} {
		_, body := f.get(t, c.path)
		ta := editor(body, c.of)
		if !strings.Contains(ta, `&#34;&lt;b&gt; &amp; x&#34;`) || strings.Contains(ta, `\u00`) || strings.Contains(ta, "<b>") {
			t.Errorf("GET %s: the editor does not show \"<b> & x\" (HTML-escaped once, not JSON-escaped): %s\n%s", c.path, ta, body)
		}
	}
	// Arguments set on a running task wait for its next start: shown so.
	if st, a := f.exec(t, "set", "args", "quoted", `{"argv": ["<i> & y"]}`); st != 200 {
		t.Fatalf("set args quoted: %d %+v", st, a.Error)
	}
	_, body := f.get(t, "/task?name=quoted")
	if _, pending, ok := strings.Cut(body, "pending (next start): "); !ok || !strings.HasPrefix(pending, `<code>{&#34;argv&#34;:[&#34;&lt;i&gt; &amp; y&#34;]}</code>`) {
		t.Errorf("pending arguments not shown as written:\n%s", body)
	}
}
