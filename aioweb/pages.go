package aioweb

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"when":        when,
	"sinceOrDone": sinceOrDone,
	"dotClass":    dotClass,
	"json":        prettyJSON,
	"jsonLine":    jsonLine,
	"levels":      func() []string { return []string{"DEBUG", "INFO", "WARN", "ERROR", "CRIT"} },
}

// sinceOrDone is the overview's "since / done at": when the last run
// ended, unless a run started after it (a task running again shows since
// when, not when its previous run ended). app.js applies the same rule.
func sinceOrDone(since, ended time.Time) time.Time {
	if ended.Before(since) { // a zero ended too
		return since
	}
	return ended
}

// when formats a time as the status verb does; "" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// dotClass is the CSS class of a state's dot, coloured as aioctl's
// status colours it in a terminal.
func dotClass(state string) string {
	switch state {
	case "running":
		return "dot st-green"
	case "stopped", "restarting", "stopping":
		return "dot st-yellow"
	case "error", "gave-up":
		return "dot st-red"
	case "scheduled":
		return "dot st-cyan"
	}
	return "dot st-grey"
}

// prettyJSON indents JSON to show it in an editor, as a user writes it:
// "<b> & x", not "\u003cb\u003e \u0026 x" (html/template escapes the
// page; the JSON need not be). A task's arguments come through aioctl's
// status JSON, which HTML-escapes as json.Marshal does (byte for byte, by
// design): that is undone here, for the editor.
func prettyJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 {
		return ""
	}
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return string(termsafe.UnescapeJSONHTML(b.Bytes()))
}

// jsonLine is compact JSON shown on one line, as a user writes it (see
// prettyJSON).
func jsonLine(raw json.RawMessage) string {
	return string(termsafe.UnescapeJSONHTML(append([]byte(nil), raw...)))
}

// page is what every page's template gets.
type page struct {
	Title string
	Nav   string // the page the navigation marks
	CSRF  string
	Err   string // a verb's error to show at the top
	Data  any

	status int // the answer's HTTP status (0: 200)
}

// statusOf is the HTTP status of a page that shows e.
func statusOf(e *control.Error) int {
	if e == nil {
		return http.StatusOK
	}
	return e.HTTPStatus()
}

func (d *Dashboard) render(w http.ResponseWriter, name string, p page) {
	p.CSRF = d.csrf
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, p); err != nil {
		d.log.Error("aioweb: page "+name, "err", err)
		http.Error(w, "500 internal error: rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.status != 0 {
		w.WriteHeader(p.status)
	}
	w.Write(b.Bytes())
}

func errText(e *control.Error) string {
	if e == nil {
		return ""
	}
	return e.Message
}

// overviewData is the overview's content.
type overviewData struct {
	Tasks  []api.TaskStatus
	Counts []stateCount
	Filter string
}

type stateCount struct {
	State string
	N     int
}

func countStates(ts []api.TaskStatus) []stateCount {
	m := map[string]int{}
	for _, t := range ts {
		m[t.State]++
	}
	out := make([]stateCount, 0, len(m))
	for s, n := range m {
		out = append(out, stateCount{s, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].State < out[j].State })
	return out
}

func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request) {
	var ts []api.TaskStatus
	e := d.execData(r.Context(), &ts, "status", "--lines", "0")
	d.render(w, "overview.html", page{Title: "tasks", Nav: "overview", Err: errText(e),
		Data: overviewData{Tasks: ts, Counts: countStates(ts), Filter: r.URL.Query().Get("filter")}})
}

// taskData is a task page's content.
type taskData struct {
	Name     string
	Epoch    string // of the log lines' event ids
	Task     *api.TaskStatus
	Args     string // the arguments as JSON, indented, for the editor
	Debug    string // status debug's text, as aioctl prints it
	NextRuns []control.NextRun
	Log      []logLine
}

// logLine is a line of the log verb's JSON.
type logLine struct {
	Seq   uint64    `json:"seq"`
	Time  time.Time `json:"time"`
	Level string    `json:"level"`
	Task  string    `json:"task"`
	Text  string    `json:"text"`
	Lost  uint64    `json:"lost"`
}

func (d *Dashboard) taskPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.URL.Query().Get("name")
	td := taskData{Name: name, Epoch: d.epoch}
	if aioctl.IsPattern(name) {
		// The verbs would take it as a pattern: a page for "b*" would
		// show one of the tasks it matches, and its buttons and editor
		// act on all of them.
		e := &control.Error{Code: control.CodeBadArgument, Message: "/task takes a task name, not a pattern: " +
			strconv.Quote(name) + "; to see the tasks it matches, use the task list's filter (/?filter=" + url.QueryEscape(name) + ")"}
		d.render(w, "task.html", page{Title: name, Nav: "overview", Err: errText(e), Data: td, status: statusOf(e)})
		return
	}
	var ts []api.TaskStatus
	e := d.execData(ctx, &ts, "status", "--debug", "--lines", "0", "--", name)
	if e == nil && len(ts) == 1 {
		td.Task = &ts[0]
		td.Args = prettyJSON(ts[0].Args)
		td.Debug = d.in.Exec(ctx, []string{"status", "--debug", "--", name}, control.Options{}).Text
		if ts[0].Schedule != nil {
			d.execData(ctx, &td.NextRuns, "schedule next", name, "5")
		}
		d.execData(ctx, &td.Log, "log", "--task", name, "--lines", "50")
	}
	if e == nil && td.Task == nil {
		e = &control.Error{Code: control.CodeNotFound, Message: "no task " + name}
	}
	d.render(w, "task.html", page{Title: name, Nav: "overview", Err: errText(e), Data: td, status: statusOf(e)})
}

func (d *Dashboard) logPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d.render(w, "log.html", page{Title: "log", Nav: "log", Data: map[string]string{
		"Grep": q.Get("grep"), "Mode": q.Get("mode"), "Level": q.Get("level"), "Task": q.Get("task")}})
}

// servicesData is the services page's content.
type servicesData struct {
	Services  []serviceView
	BootOrder *bootOrder
}

type serviceView struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Info     string   `json:"info"`
	Source   string   `json:"source"`
	Enabled  bool     `json:"enabled"`
	Load     string   `json:"load"`
	Error    string   `json:"error"`
	Task     string   `json:"task"`
	State    string   `json:"state"`
	Note     string   `json:"note"`
	Requires []string `json:"requires"`
	After    []string `json:"after"`
	Config   string   `json:"-"`
}

type bootOrder struct {
	Core   []string   `json:"core"`
	Others []string   `json:"others"`
	Levels [][]string `json:"levels"`
}

func (d *Dashboard) servicesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var sd servicesData
	e := d.execData(ctx, &sd.Services, "services list")
	if e == nil {
		var cfg map[string]json.RawMessage
		d.execData(ctx, &cfg, "services get-config")
		for i := range sd.Services {
			sd.Services[i].Config = prettyJSON(cfg[sd.Services[i].Name])
		}
		var bo bootOrder
		if d.execData(ctx, &bo, "boot order") == nil {
			sd.BootOrder = &bo
		}
	}
	d.render(w, "services.html", page{Title: "services", Nav: "services", Err: errText(e), Data: sd, status: statusOf(e)})
}
