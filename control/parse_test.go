package control_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		line string
		want []string
		err  string
	}{
		{"status", []string{"status"}, ""},
		{"  stop   hello*  ", []string{"stop", "hello*"}, ""},
		{`set args blink '{"pin": 3}'`, []string{"set", "args", "blink", `{"pin": 3}`}, ""},
		{`log "LED toggled"`, []string{"log", "LED toggled"}, ""},
		{`log "say \"hi\" \\ \n"`, []string{"log", `say "hi" \ \n`}, ""},
		{`log a\ b`, []string{"log", "a b"}, ""},
		{`log 'it'\''s'`, []string{"log", "it's"}, ""},
		{`log ''`, []string{"log", ""}, ""},
		{"", nil, ""},
		{`log 'open`, nil, "unterminated ' quote starting at column 5"},
		{`log "open`, nil, `unterminated " quote starting at column 5`},
		{`log x\`, nil, "trailing backslash at column 6"},
		{"log \x1b[2J", nil, "control character"},
		{strings.Repeat("a ", control.MaxArgs+1), nil, "more than 64 words"},
		{strings.Repeat("a", control.MaxLineBytes+1), nil, "over the limit"},
	}
	for _, c := range cases {
		got, err := control.Split(c.line)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Split(%.40q): err %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
	}
}

func TestParseLineRawJSON(t *testing.T) {
	cases := map[string][]string{
		`set args blink {"pin": 3, "sleep": "2s"}`:   {"set", "args", "blink", `{"pin": 3, "sleep": "2s"}`},
		`set args blink '{"pin": 3}'`:                {"set", "args", "blink", `{"pin": 3}`},
		`set args blink "{\"pin\": 3}"`:              {"set", "args", "blink", `{"pin": 3}`},
		`services config hello {"args": {"pin": 1}}`: {"services", "config", "hello", `{"args": {"pin": 1}}`},
		`set args`:          {"set", "args"},
		`status blink  -d`:  {"status", "blink", "-d"},
		`nosuch {"a": "b"}`: {"nosuch", `{a:`, `b}`},
		// An optional JSON argument (clone SRC [NAME] [JSON]) and flags
		// after a fixed one (schedule set NAME JSON --save).
		`clone blink {"sleep": 6}`:                                {"clone", "blink", `{"sleep": 6}`},
		`clone blink led2 {"pin": 3, "sleep": "2s"}`:              {"clone", "blink", "led2", `{"pin": 3, "sleep": "2s"}`},
		`clone blink led2`:                                        {"clone", "blink", "led2"},
		`add blink '{"pin": 3}'`:                                  {"add", "blink", `{"pin": 3}`},
		`schedule set world {"start_in": 5, "repeat": 10} --save`: {"schedule", "set", "world", `{"start_in": 5, "repeat": 10}`, "--save"},
		`schedule set world '{"cron": "*/5 * * * *"}' --save`:     {"schedule", "set", "world", `{"cron": "*/5 * * * *"}`, "--save"},
		`set args blink {"name": "--save"}`:                       {"set", "args", "blink", `{"name": "--save"}`},
	}
	for line, want := range cases {
		got, err := control.ParseLine(line)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseLine(%q) = %q, %v; want %q", line, got, err, want)
		}
	}
}

// FuzzParseLine: no input makes the parser or the interpreter panic; what
// Split accepts survives a Quote round trip; every failure has a code.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"status", "stop hello*", `set args blink {"pin": 3}`, `clone blink x {"a": 1} --y`, `schedule set w {"repeat": 1} --save`, `log -E "a|b" -n 5`, "help set args",
		`log 'x`, `a\`, "status blink debug", "is-active ../x", "follow --level ERROR", "debug on"} {
		f.Add(s)
	}
	g := aioctl.NewGroup()
	aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("one"))
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := control.Split(line)
		if err == nil {
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = control.Quote(w)
			}
			again, err := control.Split(strings.Join(quoted, " "))
			if err != nil || !slices.Equal(again, words) {
				t.Fatalf("round trip of %q: %q, %v", words, again, err)
			}
		} else if control.CodeOf(err) != control.CodeBadArgument {
			t.Fatalf("Split error without bad_argument code: %v", err)
		}
		argv, err := control.ParseLine(line)
		if err != nil {
			return
		}
		if in.IsStream(argv) {
			return // follow would block; IsStream itself must not panic
		}
		r := in.Exec(context.Background(), argv, control.Options{})
		if r.Err != nil && (r.Err.Code == "" || r.Err.Code == control.CodeInternal) {
			t.Fatalf("%q: error %+v", argv, r.Err)
		}
	})
}
