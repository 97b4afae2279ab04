package control

// User verbs: commands a program adds to its own interpreter's table
// (asyncmd's device command library), run by every front end as the
// built-in verbs are. The built-in table stays in control/api; user verbs
// live in the interpreter, so two programs (or two interpreters in one
// test) each have their own. Their handlers (Func, Words) and the
// decoding of their arguments are in userverbs_handler.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Errors of Interp.Register, to test with errors.Is.
var (
	// ErrVerbName: the name is not one word of lower-case letters, digits
	// and dashes starting with a letter (at most MaxVerbNameBytes).
	ErrVerbName = errors.New("invalid verb name")
	// ErrVerbTaken: a built-in verb, a built-in verb group (services …),
	// a word of aioctl itself (shell, fleet, completion, exit, quit) or a
	// verb registered before has the name.
	ErrVerbTaken = errors.New("verb name taken")
	// ErrVerbHandler: the verb has no Run, or Func was given an argument
	// type it cannot decode.
	ErrVerbHandler = errors.New("bad verb handler")
)

// MaxVerbNameBytes is the longest user verb name.
const MaxVerbNameBytes = 40

// reservedWords are the words front ends keep for themselves: a user
// verb of that name could not be typed.
var reservedWords = []string{"shell", "fleet", "completion", "exit", "quit"}

var verbNameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// UserVerb is a command a program adds to its interpreter with
// Interp.Register: help lists it, the socket, aioctl, the shell, the
// console, the dashboard and MQTT run it, like a built-in verb.
type UserVerb struct {
	// Name is one word: lower-case letters, digits and inner dashes,
	// starting with a letter ("blink-rate"); no built-in verb or group.
	Name string
	// Summary is the one-line help. It is escaped for the terminal.
	Summary string
	// Examples are command lines with what they do after "  # ", as the
	// built-in verbs' ("blink-rate 5  # five blinks a second").
	Examples []string
	// Run runs the verb: Func (typed arguments) or Words.
	Run Handler
}

// userVerb is a registered verb: its table entry and its handler.
type userVerb struct {
	verb Verb
	h    Handler
}

// userVerbs are an interpreter's registered verbs, in registration order.
type userVerbs struct {
	mu    sync.RWMutex
	list  []*userVerb
	index map[string]*userVerb
}

// Register adds a verb of the program to the interpreter's table. The
// name is checked: one word (ErrVerbName), no built-in verb or group, no
// word of aioctl itself and not registered before (ErrVerbTaken, naming
// what has it). The summary and examples are escaped for the terminal.
// A program registers its verbs before it serves, but Register is safe
// at any time.
func (in *Interp) Register(v UserVerb) error {
	if len(v.Name) > MaxVerbNameBytes || !verbNameRE.MatchString(v.Name) {
		return fmt.Errorf("control: register %q: %w: want one word of lower-case letters, digits and inner dashes, starting with a letter, at most %d bytes",
			truncate(v.Name, 60), ErrVerbName, MaxVerbNameBytes)
	}
	if _, ok := api.LookupVerb(v.Name); ok {
		return fmt.Errorf("control: register %q: %w: %s is a built-in verb", v.Name, ErrVerbTaken, v.Name)
	}
	if subs := api.SubVerbs(v.Name); len(subs) > 0 {
		return fmt.Errorf("control: register %q: %w: %s is a built-in verb group (%s %s)", v.Name, ErrVerbTaken, v.Name, v.Name, subs[0])
	}
	if slices.Contains(reservedWords, v.Name) {
		return fmt.Errorf("control: register %q: %w: aioctl keeps %s for itself", v.Name, ErrVerbTaken, v.Name)
	}
	if v.Run.err != nil {
		return fmt.Errorf("control: register %q: %w", v.Name, v.Run.err)
	}
	if v.Run.run == nil {
		return fmt.Errorf("control: register %q: %w: Run is empty (use Func or Words)", v.Name, ErrVerbHandler)
	}
	uv := &userVerb{h: v.Run, verb: Verb{
		Name: v.Name, ArgsUsage: termsafe.String(v.Run.usage), Summary: termsafe.String(v.Summary),
		MinArgs: v.Run.min, MaxArgs: v.Run.max, User: true,
	}}
	for _, e := range v.Examples {
		uv.verb.Examples = append(uv.verb.Examples, termsafe.String(e))
	}
	u := &in.user
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.index[v.Name] != nil {
		return fmt.Errorf("control: register %q: %w: registered before", v.Name, ErrVerbTaken)
	}
	if u.index == nil {
		u.index = map[string]*userVerb{}
	}
	u.index[v.Name] = uv
	u.list = append(u.list, uv)
	return nil
}

// Verbs returns the interpreter's table: the built-in verbs (Verbs), then
// the program's own (Register), which have Verb.User set. GET /v1/verbs
// serves it.
func (in *Interp) Verbs() []Verb {
	return append(api.Verbs(), in.userVerbs()...)
}

func (u *userVerbs) lookup(name string) *userVerb {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return u.index[name]
}

func (u *userVerbs) names() []string {
	u.mu.RLock()
	defer u.mu.RUnlock()
	var out []string
	for _, uv := range u.list {
		out = append(out, uv.verb.Name)
	}
	return out
}

// parseUser makes the call of a user verb; ok is false when argv[0] is
// none. A user verb has no flags: every word is an argument, but for a
// leading "--" (aioctl's end of flags).
func (u *userVerbs) parse(argv []string) (*call, bool, error) {
	if len(argv) == 0 {
		return nil, false, nil
	}
	uv := u.lookup(argv[0])
	if uv == nil {
		return nil, false, nil
	}
	args := argv[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	v := uv.verb
	jsonArg := len(args) == 1 && strings.HasPrefix(args[0], "{") && len(uv.h.args) > 0
	if n := len(args); !jsonArg && (n < v.MinArgs || v.MaxArgs >= 0 && n > v.MaxArgs) {
		return nil, true, errorf(CodeBadArgument, v.Name+": "+countWant(v.MinArgs, v.MaxArgs, n)+"; usage: "+v.Usage())
	}
	h := uv.h
	return &call{verb: &v, args: args, flags: map[string]string{}, impl: impl{
		run: func(ctx context.Context, in *Interp, c *call) (*Result, error) {
			data, err := h.run(ctx, c.args)
			if err != nil {
				var e *Error
				if errors.As(err, &e) && e.Code == CodeBadArgument && !strings.HasPrefix(e.Message, v.Name+":") {
					return nil, errorf(CodeBadArgument, v.Name+": "+e.Message)
				}
				return nil, err
			}
			return userResult(data, c.opt)
		},
	}}, true, nil
}

func countWant(min, max, n int) string {
	want := "takes " + strconv.Itoa(min) + " to " + strconv.Itoa(max) + " arguments"
	switch {
	case max < 0:
		want = "takes at least " + strconv.Itoa(min) + " argument"
		if min != 1 {
			want += "s"
		}
	case min == max && min == 1:
		want = "takes 1 argument"
	case min == max:
		want = "takes " + strconv.Itoa(min) + " arguments"
	}
	return want + ", got " + strconv.Itoa(n)
}

// userResult is a user verb's value as a Result: as it is for JSON;
// as text a string or fmt.Stringer as it prints, anything else as JSON.
func userResult(data any, opt Options) (*Result, error) {
	if opt.JSON {
		return &Result{Data: data}, nil
	}
	var text string
	switch d := data.(type) {
	case nil:
	case string:
		text = d
	case fmt.Stringer:
		text = d.String()
	default:
		b, err := marshalPlain(d) // as every JSON answer: "<", not "\u003c"
		if err != nil {
			return nil, errorf(CodeInternal, "encoding the result: "+err.Error())
		}
		var ind bytes.Buffer
		json.Indent(&ind, b, "", "  ") // valid: marshalPlain made it
		text = ind.String()
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return &Result{Text: text}, nil
}

// userHelp is help VERB for a user verb: usage, summary, its arguments
// with their types, examples.
func userHelp(uv *userVerb) *Result {
	v := &uv.verb
	var b strings.Builder
	b.WriteString("usage: " + v.Usage() + "\n  " + v.Summary + "\n")
	if len(uv.h.args) > 0 {
		b.WriteString("arguments (or one JSON object):\n")
		for _, a := range uv.h.args {
			b.WriteString("  " + a.name + " (" + a.kind + ")")
			if a.help != "" {
				b.WriteString("  " + esc(a.help))
			}
			b.WriteString("\n")
		}
	}
	if len(v.Examples) > 0 {
		b.WriteString("examples:\n")
		for _, e := range v.Examples {
			b.WriteString("  " + e + "\n")
		}
	}
	b.WriteString("  (a verb of this program)\n")
	return &Result{Data: *v, Text: b.String()}
}

// suggest adds the user verbs close to an unknown verb to its error when
// the built-in table had none: "blink-rat" gives did you mean
// "blink-rate"?
func (u *userVerbs) suggest(argv []string, err error) error {
	var e *Error
	if len(argv) == 0 || !errors.As(err, &e) || e.Code != CodeUnknownVerb || !strings.HasSuffix(e.Message, "try help") {
		return err
	}
	s := api.DidYouMean(api.Suggest(argv[0], u.names()), strconv.Quote)
	if s == "" {
		return err
	}
	return errorf(CodeUnknownVerb, "unknown verb "+strconv.Quote(truncate(argv[0], 40))+":"+s)
}

// userVerbs returns the registered verbs' table entries.
func (in *Interp) userVerbs() []Verb {
	in.user.mu.RLock()
	defer in.user.mu.RUnlock()
	out := make([]Verb, 0, len(in.user.list))
	for _, uv := range in.user.list {
		out = append(out, uv.verb)
	}
	return out
}

// FindVerb returns the verb argv starts with: a built-in one (api.Find)
// or one the program registered (Register), for a front end that checks
// the verb before it runs the command (MQTT's allow-list). Its error is
// api.Find's, with the program's close verbs in the did-you-mean.
func (in *Interp) FindVerb(argv []string) (Verb, error) {
	if len(argv) > 0 {
		if uv := in.user.lookup(argv[0]); uv != nil {
			return uv.verb, nil
		}
	}
	v, _, err := api.Find(argv)
	if err != nil {
		return Verb{}, in.user.suggest(argv, err)
	}
	return *v, nil
}
