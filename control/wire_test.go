package control_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control/api"
)

// jsonFields maps the JSON names of t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// sameJSONShape reports where two struct types have different JSON
// fields, looking into nested structs (through pointers).
func sameJSONShape(t *testing.T, path string, a, b reflect.Type) {
	fa, fb := jsonFields(a), jsonFields(b)
	for name, ta := range fa {
		tb, ok := fb[name]
		if !ok {
			t.Errorf("%s.%s: in %v, not in %v", path, name, a, b)
			continue
		}
		for ta.Kind() == reflect.Pointer && tb.Kind() == reflect.Pointer {
			ta, tb = ta.Elem(), tb.Elem()
		}
		if ta.Kind() == reflect.Struct && tb.Kind() == reflect.Struct && ta.PkgPath() != "time" {
			sameJSONShape(t, path+"."+name, ta, tb)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s.%s: in %v, not in %v", path, name, b, a)
		}
	}
}

// TestTaskStatusWireForm: api.TaskStatus, which the client decodes status
// into without linking aioctl, has every JSON field of aioctl.TaskStatus
// and no other, and a real status goes through it unchanged.
func TestTaskStatusWireForm(t *testing.T) {
	sameJSONShape(t, "TaskStatus", reflect.TypeOf(aioctl.TaskStatus{}), reflect.TypeOf(api.TaskStatus{}))

	p := newProgram(t)
	p.g.SetDebug(true)
	sts, err := p.g.Status()
	if err != nil || len(sts) == 0 {
		t.Fatalf("status: %v %v", sts, err)
	}
	sts[0].Schedule = &aioctl.ScheduleInfo{Opts: "every 1m", Skipped: 2, Missed: 1}
	sts[0].Service = &aioctl.ServiceInfo{Description: "d", Loaded: "l", Type: "core.service", Docs: "x", StatsTitle: "s", Stats: "1"}
	sts[0].Stats, sts[0].StatsError = json.RawMessage(`{"reads":7}`), "stats: panic: x"
	sts[0].Children = []aioctl.ChildStatus{{Name: "c1", State: aioctl.Error, Since: time.Unix(5, 0).UTC(),
		Ended: time.Unix(6, 0).UTC(), ResultText: "r", Error: "e", Unresponsive: true}, {Name: "c2"}}
	want, _ := json.Marshal(sts)
	var wire []api.TaskStatus
	if err := json.Unmarshal(want, &wire); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(wire)
	var g, w any
	json.Unmarshal(got, &g)
	json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("status through api.TaskStatus:\n got %s\nwant %s", got, want)
	}
}
