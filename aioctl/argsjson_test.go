package aioctl

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// The README, the package docs and the control socket's error message all
// tell users to write durations in a patch as "3s": a time.Duration field,
// however deep, takes a Go duration string as well as seconds.
func TestSetArgsJSONAcceptsDurationStrings(t *testing.T) {
	g, _ := newTestGroup(t)
	type inner struct {
		Every time.Duration  `json:"every"`
		Max   *time.Duration `json:"max,omitempty"`
	}
	type Embedded struct {
		Grace time.Duration
	}
	type args struct {
		Embedded
		Pin   int                      `json:"pin"`
		Sleep time.Duration            `json:"sleep"`
		Name  string                   `json:"name"`
		In    inner                    `json:"in"`
		Steps []time.Duration          `json:"steps"`
		ByKey map[string]time.Duration `json:"by_key"`
	}
	tk := MustAdd(g, func(ctx context.Context, a args) (int, error) { return a.Pin, nil },
		args{Pin: 2, Sleep: 5 * time.Second, Name: "x"}, WithName("blink"), Deferred())
	patch := `{"sleep": "3s", "name": "1s", "in": {"every": "1m30s", "max": "2h"},
		"steps": ["1ms", 0.002], "by_key": {"a": "10s"}, "grace": "4s"}`
	if err := tk.SetArgsJSON([]byte(patch)); err != nil {
		t.Fatal(err)
	}
	a, _ := Args[args](tk)
	if a.Sleep != 3*time.Second || a.Pin != 2 || a.Name != "1s" || a.In.Every != 90*time.Second ||
		a.In.Max == nil || *a.In.Max != 2*time.Hour || len(a.Steps) != 2 || a.Steps[0] != time.Millisecond ||
		a.Steps[1] != 2*time.Millisecond || a.ByKey["a"] != 10*time.Second || a.Grace != 4*time.Second {
		t.Fatalf("merged args %+v", a)
	}
	// A number is seconds.
	if _, err := g.SetArgsJSON([]byte(`{"sleep": 7}`), "blink"); err != nil {
		t.Fatal(err)
	}
	if a, _ := Args[args](tk); a.Sleep != 7*time.Second {
		t.Fatalf("sleep = %v, want 7s", a.Sleep)
	}
	// A bad duration names the field and changes nothing.
	err := tk.SetArgsJSON([]byte(`{"pin": 9, "in": {"every": "soon"}}`))
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Field != "in.every" {
		t.Fatalf("bad duration: err = %v, want an ArgError on field in.every", err)
	}
	if a, _ := Args[args](tk); a.Pin != 2 || a.In.Every != 90*time.Second {
		t.Fatalf("bad patch changed args to %+v", a)
	}
}

func TestStatusShowsDurationsAsStrings(t *testing.T) {
	g, _ := newTestGroup(t)
	type statusArgs struct {
		Pin   int           `json:"pin"`
		Sleep time.Duration `json:"sleep"`
		Every []time.Duration
	}
	tk := MustAdd(g, func(context.Context, statusArgs) (int, error) { return 0, nil },
		statusArgs{Pin: 2, Sleep: 5 * time.Second, Every: []time.Duration{time.Minute}}, WithName("blink"), Deferred())
	sts, _ := g.Snapshot(SnapshotOptions{Debug: true}, "blink")
	if got := string(sts[0].Args); got != `{"Every":["1m0s"],"pin":2,"sleep":"5s"}` {
		t.Fatalf("status args %s", got)
	}
	// What status shows is accepted back as it is.
	if err := tk.SetArgsJSON(sts[0].Args); err != nil {
		t.Fatal(err)
	}
	if a, _ := Args[statusArgs](tk); a.Sleep != 5*time.Second || a.Every[0] != time.Minute || a.Pin != 2 {
		t.Fatalf("round trip gave %+v", a)
	}
	// Args stays the plain value (encoding/json gives nanoseconds), for
	// programs that decode it with encoding/json; MarshalArgs is what
	// status shows.
	if b := plainArgsJSON[statusArgs](t, tk); string(b) != `{"pin":2,"sleep":5000000000,"Every":[60000000000]}` {
		t.Fatalf("encoding/json of Args %s", b)
	}
	if b, _ := MarshalArgs(statusArgs{Sleep: time.Second}); string(b) != `{"Every":null,"pin":0,"sleep":"1s"}` {
		t.Fatalf("MarshalArgs %s", b)
	}
}

// Arguments are shown as given: status debug showed a command's
// "echo <b> & x" as "echo \u003cb\u003e \u0026 x" (encoding/json's HTML
// escaping), with a duration in the type or without.
func TestMarshalArgsDoesNotEscapeHTML(t *testing.T) {
	type cmd struct {
		Argv    []string      `json:"argv"`
		Timeout time.Duration `json:"timeout"`
	}
	type plain struct {
		Argv []string `json:"argv"`
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{cmd{Argv: []string{"sh", "-c", "echo <b> & x >&2"}, Timeout: time.Second}, `{"argv":["sh","-c","echo <b> & x >&2"],"timeout":"1s"}`},
		{plain{Argv: []string{"<b> & x"}}, `{"argv":["<b> & x"]}`},
	} {
		if b, err := MarshalArgs(tc.v); err != nil || string(b) != tc.want {
			t.Errorf("MarshalArgs(%+v) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
}

func TestSetArgsJSONRejectsBadInputAndChangesNothing(t *testing.T) {
	g, _ := newTestGroup(t)
	type badArgs struct {
		Pin  int               `json:"pin"`
		Tags map[string]string `json:"tags"`
	}
	tk := MustAdd(g, func(ctx context.Context, a badArgs) (int, error) { return a.Pin, nil },
		badArgs{Pin: 2, Tags: map[string]string{"a": "1"}}, WithName("t"), Deferred())
	cases := []struct {
		patch, field string
	}{
		{`{"pni": 3}`, "pni"},
		{`{"pin": "three"}`, "pin"},
		{`{"pin": 3`, ""},
		{`{"tags": {"b": 2}}`, "tags"},
		{`{"pin": 1} {"pin": 2}`, ""},
	}
	for _, c := range cases {
		err := tk.SetArgsJSON([]byte(c.patch))
		var ae *ArgError
		if !errors.Is(err, ErrBadArgs) || !errors.As(err, &ae) {
			t.Fatalf("patch %s: err = %v, want ErrBadArgs", c.patch, err)
		}
		if c.field != "" && ae.Field != c.field {
			t.Errorf("patch %s: field %q, want %q (%v)", c.patch, ae.Field, c.field, err)
		}
		a, _ := Args[badArgs](tk)
		if a.Pin != 2 || len(a.Tags) != 1 || a.Tags["a"] != "1" {
			t.Fatalf("patch %s changed args to %+v", c.patch, a)
		}
	}
	if err := tk.SetArgsJSON([]byte(`{"tags": {"b": "2"}}`)); err != nil {
		t.Fatal(err)
	}
	a, _ := Args[badArgs](tk)
	if a.Pin != 2 || a.Tags["a"] != "1" || a.Tags["b"] != "2" {
		t.Fatalf("merge gave %+v", a)
	}
	if b := plainArgsJSON[badArgs](t, tk); string(b) != `{"pin":2,"tags":{"a":"1","b":"2"}}` {
		t.Fatalf("encoding/json of Args = %s", b)
	}
}

// plainArgsJSON is a task's arguments encoded by encoding/json, as a
// program that decodes them the same way reads them.
func plainArgsJSON[A any](t *testing.T, tk *Task) []byte {
	t.Helper()
	a, ok := Args[A](tk)
	if !ok {
		t.Fatalf("task %s does not take these arguments", tk.Name())
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
