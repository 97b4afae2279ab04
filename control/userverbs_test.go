package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

type blinkRateArgs struct {
	Rate  int    `arg:"RATE" help:"blinks per second" json:"rate"`
	Color string `arg:"COLOR,optional" json:"color"`
}

// registerBlinkRate registers the test's user verb; got receives the
// arguments each run decoded.
func registerBlinkRate(t *testing.T, in *control.Interp) chan blinkRateArgs {
	t.Helper()
	got := make(chan blinkRateArgs, 10)
	err := in.Register(control.UserVerb{
		Name:     "blink-rate",
		Summary:  "set how often the LED blinks",
		Examples: []string{"blink-rate 5  # five blinks a second", "blink-rate 2 red  # two red blinks a second"},
		Run: control.Func(func(ctx context.Context, a blinkRateArgs) (string, error) {
			got <- a
			return fmt.Sprintf("blinking %d/s %s", a.Rate, a.Color), nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestUserVerbRunsOverTheSocket(t *testing.T) {
	p := newProgram(t)
	got := registerBlinkRate(t, p.in)
	p.serve(t, control.Config{})
	ctx := ctxT(t)

	resp, err := p.cl.ExecLine(ctx, "blink-rate 5 red", api.Options{})
	if err != nil || resp.Error != nil {
		t.Fatalf("blink-rate 5 red: %v %+v", err, resp.Error)
	}
	if a := <-got; a != (blinkRateArgs{5, "red"}) {
		t.Errorf("decoded %+v, want {5 red}", a)
	}
	if resp.Text != "blinking 5/s red\n" {
		t.Errorf("text %q", resp.Text)
	}
	// One JSON object works as the arguments too, and -o json gives the data.
	resp, err = p.cl.Exec(ctx, []string{"blink-rate", `{"rate": 3}`}, api.Options{JSON: true})
	if err != nil || resp.Error != nil {
		t.Fatalf("blink-rate JSON: %v %+v", err, resp.Error)
	}
	if a := <-got; a != (blinkRateArgs{Rate: 3}) {
		t.Errorf("decoded %+v, want {3 }", a)
	}
	if string(resp.Data) != `"blinking 3/s "` {
		t.Errorf("data %s", resp.Data)
	}

	// GET /v1/verbs lists it, marked as the program's.
	verbs, err := p.cl.Verbs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found *api.Verb
	for i := range verbs {
		if verbs[i].Name == "blink-rate" {
			found = &verbs[i]
		}
	}
	if found == nil || !found.User || found.ArgsUsage != "RATE [COLOR]" || found.MinArgs != 1 || found.MaxArgs != 2 {
		t.Errorf("/v1/verbs entry: %+v", found)
	}
	names, err := p.cl.Names(ctx, "verbs")
	if err != nil || !strings.Contains(strings.Join(names, " "), "blink-rate") {
		t.Errorf("names verbs: %v %v", names, err)
	}
}

func TestHelpListsUserVerbs(t *testing.T) {
	p := newProgram(t)
	registerBlinkRate(t, p.in)
	ctx := ctxT(t)
	r := p.in.ExecLine(ctx, "help", control.Options{})
	if r.Err != nil || !strings.Contains(r.Text, "\nthis program's verbs:\n  blink-rate RATE [COLOR]") || !strings.Contains(r.Text, "set how often the LED blinks") {
		t.Errorf("help: %v\n%s", r.Err, r.Text)
	}
	r = p.in.ExecLine(ctx, "help blink-rate", control.Options{})
	for _, want := range []string{"usage: blink-rate RATE [COLOR]\n", "RATE (int)  blinks per second\n", "COLOR (string)\n", "blink-rate 2 red  # two red blinks a second"} {
		if r.Err != nil || !strings.Contains(r.Text, want) {
			t.Errorf("help blink-rate: want %q in\n%s (%v)", want, r.Text, r.Err)
		}
	}
	// A typo of a user verb gets a did-you-mean too.
	r = p.in.ExecLine(ctx, "blink-rat 5", control.Options{})
	if r.Err == nil || r.Err.Code != control.CodeUnknownVerb || !strings.Contains(r.Err.Message, `did you mean "blink-rate"?`) {
		t.Errorf("blink-rat: %+v", r.Err)
	}
}

func TestRegisterChecksNames(t *testing.T) {
	p := newProgram(t)
	registerBlinkRate(t, p.in)
	run := control.Words("", func(context.Context, []string) (string, error) { return "", nil })
	for _, c := range []struct {
		name string
		want error
		text string
	}{
		{"status", control.ErrVerbTaken, "status is a built-in verb"},
		{"help", control.ErrVerbTaken, "help is a built-in verb"},
		{"services", control.ErrVerbTaken, "services is a built-in verb group"},
		{"shell", control.ErrVerbTaken, "aioctl keeps shell"},
		{"blink-rate", control.ErrVerbTaken, "registered before"},
		{"", control.ErrVerbName, "invalid verb name"},
		{"two words", control.ErrVerbName, "invalid verb name"},
		{"Caps", control.ErrVerbName, "invalid verb name"},
		{"-dash", control.ErrVerbName, "invalid verb name"},
		{"bad\x1b[31m", control.ErrVerbName, "invalid verb name"},
	} {
		err := p.in.Register(control.UserVerb{Name: c.name, Summary: "x", Run: run})
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("Register(%q): %v, want %v with %q", c.name, err, c.want, c.text)
		}
	}
	if err := p.in.Register(control.UserVerb{Name: "empty"}); !errors.Is(err, control.ErrVerbHandler) {
		t.Errorf("no Run: %v", err)
	}
	bad := control.Func(func(context.Context, struct{ C chan int }) (string, error) { return "", nil })
	if err := p.in.Register(control.UserVerb{Name: "chan", Run: bad}); !errors.Is(err, control.ErrVerbHandler) || !strings.Contains(err.Error(), "field C") {
		t.Errorf("chan field: %v", err)
	}
	// The built-in verbs still run as before.
	if r := p.in.ExecLine(ctxT(t), "result answer", control.Options{}); r.Err != nil || r.Text != "answer: 42\n" {
		t.Errorf("result answer: %+v %q", r.Err, r.Text)
	}
}

func TestUserVerbBadArguments(t *testing.T) {
	p := newProgram(t)
	got := registerBlinkRate(t, p.in)
	type multi struct {
		Every time.Duration
		On    bool
		Level uint8
		Names []string
	}
	if err := p.in.Register(control.UserVerb{Name: "multi", Summary: "typed", Run: control.Func(func(_ context.Context, a multi) (multi, error) { return a, nil })}); err != nil {
		t.Fatal(err)
	}
	if err := p.in.Register(control.UserVerb{Name: "picky", Summary: "words", Run: control.Words("WORD", func(_ context.Context, w []string) (int, error) {
		if len(w) != 1 {
			return 0, control.BadArgument("WORD: want one")
		}
		return len(w[0]), nil
	})}); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	for line, want := range map[string]string{
		"blink-rate":           "blink-rate: takes 1 to 2 arguments, got 0; usage: blink-rate RATE [COLOR]",
		"blink-rate 1 red x":   "blink-rate: takes 1 to 2 arguments, got 3",
		"blink-rate fast":      `blink-rate: RATE: "fast" is not an int`,
		`blink-rate '{"r":1}'`: `blink-rate: arguments as JSON: json: unknown field "r"`,
		"multi 5 on 1":         `multi: EVERY: "5" is not a duration`,
		"multi 1s maybe 1":     `multi: ON: "maybe" is not true, false, on or off`,
		"multi 1s on 300":      `multi: LEVEL: "300" is not an uint in range`,
		"picky a b":            "picky: WORD: want one",
	} {
		r := p.in.ExecLine(ctx, line, control.Options{})
		if r.Err == nil || r.Err.Code != control.CodeBadArgument || !strings.Contains(r.Err.Message, want) || r.Exit != api.ExitUsage {
			t.Errorf("%s: %+v exit %d, want bad_argument %q", line, r.Err, r.Exit, want)
		}
	}
	select {
	case a := <-got:
		t.Errorf("a bad call ran the verb: %+v", a)
	default:
	}
	r := p.in.ExecLine(ctx, "multi 1m30s yes 7 a b", control.Options{JSON: true})
	b, _ := json.Marshal(r.Data)
	if r.Err != nil || string(b) != `{"Every":90000000000,"On":true,"Level":7,"Names":["a","b"]}` {
		t.Errorf("multi: %+v %s", r.Err, b)
	}
	r = p.in.ExecLine(ctx, "multi 1s off 0", control.Options{})
	if r.Err != nil || !strings.Contains(r.Text, `"Names": null`) {
		t.Errorf("multi text: %+v %q", r.Err, r.Text)
	}
}

func TestUserVerbHelpIsEscaped(t *testing.T) {
	for _, h := range hostileStrings {
		g := aioctl.NewGroup()
		in, err := control.NewInterp(control.Components{Group: g})
		if err != nil {
			t.Fatal(err)
		}
		type args struct {
			X string `arg:"X\x1b[2J" help:"\x1b]0;pwned\x07"`
		}
		err = in.Register(control.UserVerb{Name: "evil", Summary: h, Examples: []string{h, h + "\n● forged"},
			Run: control.Func(func(_ context.Context, a args) (string, error) { return h + a.X, errors.New(h) })})
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"help", "help evil", "evil " + api.Quote(h), "evil"} {
			for _, asJSON := range []bool{false, true} {
				r := in.ExecLine(t.Context(), line, control.Options{JSON: asJSON})
				checkSafe(t, line+": text", r.Text, true)
				if r.Err != nil {
					checkSafe(t, line+": error", r.Err.Message, false)
				}
			}
		}
		for _, v := range in.Verbs() {
			b, _ := json.Marshal(v)
			if i := termsafe.FirstUnsafe(string(b), false); i >= 0 {
				t.Errorf("verbs entry of %q: unsafe byte at %d: %q", v.Name, i, b)
			}
		}
	}
}

// BenchmarkExecUserVerb runs a typed user verb through the interpreter,
// beside a built-in verb of the same size (result of one task), to
// compare the cost of the argument decoding.
func BenchmarkExecUserVerb(b *testing.B) {
	g := aioctl.NewGroup()
	tk := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("answer"))
	<-tk.Done()
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		b.Fatal(err)
	}
	err = in.Register(control.UserVerb{Name: "blink-rate", Summary: "s",
		Run: control.Func(func(_ context.Context, a blinkRateArgs) (int, error) { return a.Rate, nil })})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, line string }{{"user", "blink-rate 5 red"}, {"builtin", "result answer"}} {
		argv, _ := control.ParseLine(c.line)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := in.Exec(context.Background(), argv, control.Options{}); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		})
	}
}

// A user verb's result that is neither a string nor a Stringer prints as
// JSON that is not HTML-escaped, as every JSON answer ("<b> & x", not
// "\u003cb\u003e \u0026 x").
func TestUserVerbJSONTextIsNotHTMLEscaped(t *testing.T) {
	p := newProgram(t)
	type answer struct {
		Cmd string `json:"cmd"`
	}
	err := p.in.Register(control.UserVerb{Name: "shout", Summary: "x",
		Run: control.Func(func(context.Context, struct{}) (answer, error) { return answer{`echo "<b> & x" >&2`}, nil })})
	if err != nil {
		t.Fatal(err)
	}
	r := p.in.ExecLine(ctxT(t), "shout", control.Options{})
	if want := `"cmd": "echo \"<b> & x\" >&2"`; r.Err != nil || !strings.Contains(r.Text, want) {
		t.Errorf("shout: %v\n%s\nwant %s", r.Err, r.Text, want)
	}
}
