package api_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		argv   []string
		verb   string
		args   []string
		flags  map[string]string
		stream bool
	}{
		{[]string{"status"}, "status", nil, map[string]string{}, false},
		{[]string{"status", "a", "debug"}, "status", []string{"a"}, map[string]string{"debug": "true"}, false},
		// The flag word first, as the seed's status took it (status debug blink).
		{[]string{"status", "debug", "a"}, "status", []string{"a"}, map[string]string{"debug": "true"}, false},
		{[]string{"status", "--", "debug", "a", "b"}, "status", []string{"a", "b"}, map[string]string{"debug": "true"}, false},
		{[]string{"stats", "debug", "a*"}, "stats", []string{"a*"}, map[string]string{"debug": "true"}, false},
		{[]string{"status", "-n", "3", "a"}, "status", []string{"a"}, map[string]string{"lines": "3"}, false},
		{[]string{"log", "--lines=3", "--", "-x"}, "log", []string{"-x"}, map[string]string{"lines": "3"}, false},
		{[]string{"log", "-f", "x"}, "log", []string{"x"}, map[string]string{"follow": "true"}, true},
		{[]string{"log", "x"}, "log", []string{"x"}, map[string]string{}, false},
		{[]string{"follow"}, "follow", nil, map[string]string{}, true},
		{[]string{"set", "args", "b", `{"a": -1}`}, "set args", []string{"b", `{"a": -1}`}, map[string]string{}, false},
		{[]string{"set", "args", "b", "--", "-x"}, "", nil, nil, false}, // "--" is the JSON argument: one too many
		{[]string{"help", "set", "args"}, "help", []string{"set", "args"}, map[string]string{}, false},
		{[]string{"help", "no!such"}, "help", []string{"no!such"}, map[string]string{}, false}, // verb names: not checked as names
	} {
		c, err := api.Parse(tc.argv)
		if tc.flags == nil {
			if err == nil {
				t.Errorf("%q: no error", tc.argv)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.argv, err)
			continue
		}
		if c.Verb.Name != tc.verb || !slices.Equal(c.Args, tc.args) || len(c.Flags) != len(tc.flags) || c.Streams() != tc.stream {
			t.Errorf("%q: got %s %q %v stream %v", tc.argv, c.Verb.Name, c.Args, c.Flags, c.Streams())
		}
		for k, v := range tc.flags {
			if c.Flags[k] != v {
				t.Errorf("%q: flag %s = %q, want %q", tc.argv, k, c.Flags[k], v)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		code api.Code
		msg  string
	}{
		{nil, api.CodeUnknownVerb, "empty command"},
		{[]string{"nosuch"}, api.CodeUnknownVerb, `unknown verb "nosuch"`},
		{[]string{"services"}, api.CodeBadArgument, "services needs one of: add, boot, config, disable"},
		{[]string{"services", "x"}, api.CodeUnknownVerb, "services takes one of"},
		{[]string{"status", "--nope"}, api.CodeBadArgument, "(flags: --debug, --lines)"},
		{[]string{"boot", "order", "-x"}, api.CodeBadArgument, "boot order has no flags"},
		{[]string{"status", "-d", "--debug"}, api.CodeBadArgument, "given twice"},
		{[]string{"status", "--debug=1"}, api.CodeBadArgument, "takes no value"},
		{[]string{"status", "-n"}, api.CodeBadArgument, "needs a value (N)"},
		{[]string{"stop", "a/b"}, api.CodeBadArgument, "argument 1: name"},
		// Broken JSON is bad JSON, with where it breaks, not a bad name.
		{[]string{"clone", "blink", `{"sleep": 6`}, api.CodeBadArgument, `clone: JSON arguments: invalid JSON at byte 11 (unexpected end of JSON input): {"sleep": 6`},
		{[]string{"add", "blink", "led2", `{"pin" 3}`}, api.CodeBadArgument, `add: JSON arguments: invalid JSON at byte 8 (invalid character '3' after object key): {"pin" 3}`},
		{[]string{"clone", "blink", `[1,`}, api.CodeBadArgument, "clone: JSON arguments: invalid JSON at byte 3"},
		// A rune not allowed in names is named as a rune, escaped.
		{[]string{"clone", "blink", "x\u202ey"}, api.CodeBadArgument, `(U+202E '\u202e' at byte 2)`},
		{[]string{"stop", "caf\u00e9"}, api.CodeBadArgument, `(U+00E9 'é' at byte 4)`},
		{[]string{"stop", "a\xffb"}, api.CodeBadArgument, `(byte 0xff, not UTF-8, at byte 2)`},
		{[]string{"debug", "on", "off"}, api.CodeBadArgument, "takes 0 to 1 arguments, got 2; usage: debug [on|off]"},
		{make([]string, api.MaxArgs+1), api.CodeBadArgument, "more than 64 words"},
	} {
		_, err := api.Parse(tc.argv)
		var e *api.Error
		if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%q: got %v, want %s containing %q", tc.argv, err, tc.code, tc.msg)
		}
	}
}

func TestTableHelpers(t *testing.T) {
	vs := api.Verbs()
	vs[0].Name = "changed"
	if v, ok := api.LookupVerb("status"); !ok || v.Name != "status" || api.Verbs()[0].Name != "status" {
		t.Error("Verbs gives the table itself, not a copy")
	}
	if v, rest, err := api.Find([]string{"set", "args", "b", "{}"}); err != nil || v.Name != "set args" || !slices.Equal(rest, []string{"b", "{}"}) {
		t.Errorf("Find(set args b {}) = %v %q %v", v, rest, err)
	}
	if subs := api.SubVerbs("schedule"); !slices.Equal(subs, []string{"list", "next", "rm", "set"}) {
		t.Errorf("SubVerbs(schedule) = %q", subs)
	}
	if api.SubVerbs("status") != nil {
		t.Error("SubVerbs of a one-word verb")
	}
	first := api.FirstWords()
	if !slices.IsSorted(first) || !slices.Contains(first, "services") || slices.Contains(first, "names") {
		t.Errorf("FirstWords = %q (sorted, no hidden verbs)", first)
	}
	for k, want := range map[api.NameKind]string{api.NoNames: "", api.TaskNames: "tasks", api.ServiceNames: "services", api.VerbNames: "verbs"} {
		if k.Kind() != want {
			t.Errorf("%d.Kind() = %q, want %q", k, k.Kind(), want)
		}
	}
	if (&api.Error{Code: api.CodeNotFound}).HTTPStatus() != 404 || (&api.Error{Code: "x"}).HTTPStatus() != 500 {
		t.Error("HTTPStatus")
	}
	if (api.Options{JSON: true}).Output() != "json" || (api.Options{}).Output() != "text" {
		t.Error("Options.Output")
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"blink", "blank", "answer", "hello", "hello_1", "list", "status", "start"}
	for _, c := range []struct {
		word string
		want string
	}{
		{"blnk", "blank blink"},
		{"blinkk", "blink"},
		{"lst", "list"},
		{"stats", "status"},
		{"frobnicate", ""},
		{"hel", "hello hello_1"},
		{"blink", ""},
	} {
		if got := strings.Join(api.Suggest(c.word, names), " "); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
	// Two letters swapped are one edit: "aioctl stauts" offered "stats"
	// only, not the "status" meant.
	if got := api.SuggestVerb("stauts"); got != ` did you mean "stats" or "status"?` {
		t.Errorf("SuggestVerb(stauts) = %q", got)
	}
	if got := strings.Join(api.Suggest("satrt", names), " "); got != "start" {
		t.Errorf("Suggest(satrt) = %q, want start", got)
	}
}

// TestEveryVerbHasExamples: help teaches each visible verb with at least
// two examples that use it (issue 12 item 13).
func TestEveryVerbHasExamples(t *testing.T) {
	for _, v := range api.Verbs() {
		if v.Hidden {
			continue
		}
		if len(v.Examples) < 2 {
			t.Errorf("%s: %d examples, want 2", v.Name, len(v.Examples))
		}
		for _, e := range v.Examples {
			line, _, _ := strings.Cut(e, "#")
			argv, err := api.Split(strings.TrimPrefix(strings.TrimSpace(line), "-o json "))
			if err != nil {
				t.Errorf("%s: example %q: %v", v.Name, e, err)
				continue
			}
			c, err := api.Parse(argv)
			if err != nil || c.Verb.Name != v.Name {
				t.Errorf("%s: example %q does not parse as %s: %v", v.Name, e, v.Name, err)
			}
		}
	}
}

func TestJoinJSONJoinsWhatAShellSplit(t *testing.T) {
	cases := []struct {
		verb string
		args []string
		want []string
	}{
		{"set args", []string{"blink", `{"pin":`, `3}`}, []string{"blink", `{"pin": 3}`}},
		{"set args", []string{"blink", `{"pin":3}`}, []string{"blink", `{"pin":3}`}},
		{"clone", []string{"blink", `{"sleep":`, `6}`}, []string{"blink", `{"sleep": 6}`}},
		{"clone", []string{"blink", "led", `{"pin":`, `3}`}, []string{"blink", "led", `{"pin": 3}`}},
		{"clone", []string{"blink", "led"}, []string{"blink", "led"}},
		{"add", []string{"blink"}, []string{"blink"}},
		{"status", []string{"a", "b"}, []string{"a", "b"}},
	}
	for _, c := range cases {
		v, _ := api.LookupVerb(c.verb)
		if got := v.JoinJSON(slices.Clone(c.args)); !slices.Equal(got, c.want) {
			t.Errorf("%s %q: JoinJSON = %q, want %q", c.verb, c.args, got, c.want)
		}
	}
}
