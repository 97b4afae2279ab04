package aioctl

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"
)

// refSchedule and refStatus are the JSON status written by encoding/json's
// reflection, as MarshalJSON wrote it before AppendJSON: the plain fields
// in order, then the times that are set.
type refSchedule struct {
	Opts    string     `json:"opts,omitempty"`
	Skipped int        `json:"skipped"`
	Missed  int        `json:"missed,omitempty"`
	Paused  bool       `json:"paused,omitempty"`
	Last    *time.Time `json:"last,omitempty"`
	Next    *time.Time `json:"next,omitempty"`
}

type refStatus struct {
	Name         string          `json:"name"`
	Group        string          `json:"group"`
	State        State           `json:"state"`
	Runtime      time.Duration   `json:"runtime_ns"`
	ResultText   string          `json:"result"`
	Error        string          `json:"error,omitempty"`
	ErrorType    string          `json:"error_type,omitempty"`
	Traceback    string          `json:"traceback,omitempty"`
	Unresponsive bool            `json:"unresponsive,omitempty"`
	Restart      RestartMode     `json:"restart"`
	Restarts     int             `json:"restarts,omitempty"`
	Func         string          `json:"func,omitempty"`
	Args         json.RawMessage `json:"args,omitempty"`
	PendingArgs  json.RawMessage `json:"pending_args,omitempty"`
	Schedule     *refSchedule    `json:"schedule,omitempty"`
	Service      *ServiceInfo    `json:"service,omitempty"`
	Log          []string        `json:"log,omitempty"`
	Children     []refChild      `json:"children,omitempty"`
	Stats        json.RawMessage `json:"stats,omitempty"`
	StatsError   string          `json:"stats_error,omitempty"`
	Since        *time.Time      `json:"since,omitempty"`
	Ended        *time.Time      `json:"ended,omitempty"`
	NextRestart  *time.Time      `json:"next_restart,omitempty"`
}

type refChild struct {
	Name         string     `json:"name"`
	State        State      `json:"state"`
	Since        *time.Time `json:"since,omitempty"`
	Ended        *time.Time `json:"ended,omitempty"`
	ResultText   string     `json:"result"`
	Error        string     `json:"error,omitempty"`
	Unresponsive bool       `json:"unresponsive,omitempty"`
}

func refTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func reference(st *TaskStatus) ([]byte, error) {
	r := refStatus{Name: st.Name, Group: st.Group, State: st.State, Runtime: st.Runtime,
		ResultText: st.ResultText, Error: st.Error, ErrorType: st.ErrorType, Traceback: st.Traceback,
		Unresponsive: st.Unresponsive, Restart: st.Restart, Restarts: st.Restarts, Func: st.Func,
		Args: st.Args, PendingArgs: st.PendingArgs, Service: st.Service, Log: st.Log,
		Stats: st.Stats, StatsError: st.StatsError,
		Since: refTime(st.Since), Ended: refTime(st.Ended), NextRestart: refTime(st.NextRestart)}
	for _, c := range st.Children {
		r.Children = append(r.Children, refChild{Name: c.Name, State: c.State, Since: refTime(c.Since),
			Ended: refTime(c.Ended), ResultText: c.ResultText, Error: c.Error, Unresponsive: c.Unresponsive})
	}
	if s := st.Schedule; s != nil {
		r.Schedule = &refSchedule{Opts: s.Opts, Skipped: s.Skipped, Missed: s.Missed, Paused: s.Paused,
			Last: refTime(s.Last), Next: refTime(s.Next)}
	}
	return json.Marshal(r)
}

// awkward strings: HTML characters, quotes, controls, invalid UTF-8, the
// JavaScript line separators, DEL and C1, plain text.
var awkward = []string{"", "plain", `a<b>&"c"\d`, "tab\there\nnl\r\b\f\x01\x1f", "bad \xff\xfe utf8",
	"sep \u2028 \u2029", "del \x7f c1 \u0085", "ünïcødé ●", "\x1b]0;PWNED\x07"}

func randomStatus(r *rand.Rand) TaskStatus {
	pick := func() string { return awkward[r.Intn(len(awkward))] }
	tm := func() time.Time {
		if r.Intn(3) == 0 {
			return time.Time{}
		}
		return time.Date(2015+r.Intn(20), 1, 1, 0, 0, r.Intn(100000), r.Intn(3)*123456789, time.FixedZone("z", 3600*(r.Intn(5)-2)))
	}
	st := TaskStatus{Name: pick(), Group: pick(), State: State(r.Intn(8)), Since: tm(), Ended: tm(),
		Runtime: time.Duration(r.Int63n(1e12)), ResultText: pick(), Error: pick(), ErrorType: pick(),
		Traceback: pick(), Unresponsive: r.Intn(2) == 0, Restart: RestartMode(r.Intn(3)),
		Restarts: r.Intn(3), NextRestart: tm(), Func: pick()}
	if r.Intn(2) == 0 {
		st.Args = json.RawMessage(`{"pin": 3, "msg": "<a&b>", "d": "5s"}`)
	}
	if r.Intn(3) == 0 {
		st.PendingArgs = json.RawMessage(` [1, 2 ,"\u2028"] `)
	}
	if r.Intn(2) == 0 {
		st.Schedule = &ScheduleInfo{Last: tm(), Next: tm(), Opts: pick(), Skipped: r.Intn(3), Missed: r.Intn(3), Paused: r.Intn(2) == 0}
	}
	if r.Intn(2) == 0 {
		st.Service = &ServiceInfo{Description: pick(), Loaded: pick(), Type: pick(), Docs: pick(), StatsTitle: pick(), Stats: pick()}
	}
	for n := r.Intn(3); n > 0; n-- {
		st.Children = append(st.Children, ChildStatus{Name: pick(), State: State(r.Intn(8)), Since: tm(), Ended: tm(),
			ResultText: pick(), Error: pick(), Unresponsive: r.Intn(2) == 0})
	}
	if r.Intn(2) == 0 {
		st.Stats = json.RawMessage(`{"reads": 3, "last": "<a&b>"}`)
	}
	if r.Intn(3) == 0 {
		st.StatsError = pick()
	}
	switch r.Intn(3) {
	case 1:
		st.Log = []string{}
	case 2:
		st.Log = []string{pick(), pick()}
	}
	return st
}

// AppendJSON writes byte for byte what encoding/json wrote for a status,
// over statuses with every field set or not and awkward strings.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	for i := 0; i < 3000; i++ {
		st := randomStatus(r)
		want, werr := reference(&st)
		got, gerr := st.AppendJSON(nil)
		if (werr != nil) != (gerr != nil) || string(got) != string(want) {
			t.Fatalf("status %+v:\n got %s (%v)\nwant %s (%v)", st, got, gerr, want, werr)
		}
		// json.Marshal takes MarshalJSON's output as it is.
		if m, err := json.Marshal(st); err != nil || string(m) != string(want) {
			t.Fatalf("json.Marshal: %s (%v)\nwant %s", m, err, want)
		}
	}
	if _, err := (&TaskStatus{Args: json.RawMessage(`{"a":`)}).AppendJSON(nil); err == nil {
		t.Error("arguments that are not JSON: no error")
	}
}

// Every field of TaskStatus that has a JSON name shows in AppendJSON's
// output when it is set: a field added to TaskStatus fails here until
// AppendJSON writes it.
func TestAppendJSONWritesEveryField(t *testing.T) {
	var st TaskStatus
	fill(reflect.ValueOf(&st).Elem())
	b, err := st.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	checkFields(t, reflect.TypeOf(st), got, "")
}

func checkFields(t *testing.T, typ reflect.Type, got map[string]any, path string) {
	t.Helper()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		v, ok := got[name]
		if !ok {
			t.Errorf("field %s%s (json %q) missing from AppendJSON's output", path, f.Name, name)
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sub, isObj := v.(map[string]any); isObj && ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Time{}) {
			checkFields(t, ft, sub, path+f.Name+".")
		}
	}
}

// fill sets every field of v to a value that is not its zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		if v.Type() == reflect.TypeOf(json.RawMessage(nil)) {
			v.SetBytes([]byte(`{"a":1}`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	}
}
