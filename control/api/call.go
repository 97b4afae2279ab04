package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Call is a command checked against the verb table: its verb, its
// arguments and its flags. Parse makes it; the interpreter then checks
// what only it can (the values of some flags, the components it has) and
// runs it.
type Call struct {
	// Verb is the verb (a copy of the table's entry).
	Verb Verb
	// Args are the arguments, without the flags and the trailing-flag word.
	Args []string
	// Flags holds the flags given, by long name; a boolean flag is "true".
	Flags map[string]string
}

// Streams reports whether the call streams (follow, log -f): a front end
// then uses the stream endpoint.
func (c *Call) Streams() bool { return c.Verb.Streams(c.Flags) }

// Parse checks a command given as words (as Split and ParseLine return
// them) against the table, before anything is done: the verb, each flag
// (--name, --name=value, --name value, -s; unknown or doubled flags, a
// value where none is taken or none where one is), the number of
// arguments, and task and service names (CheckName). "--" ends the flags.
// The JSON argument of a RawTail verb is taken as it is, dashes and all.
// A first or last argument equal to the verb's TrailingFlag sets that
// flag (status debug blink, status blink debug). Every
// error is an *Error: unknown_verb or bad_argument, with a message naming
// what is wrong and the verb's usage.
func Parse(argv []string) (*Call, error) {
	if len(argv) == 0 {
		return nil, NewError(CodeUnknownVerb, "empty command: try help")
	}
	if len(argv) > MaxArgs {
		return nil, NewError(CodeBadArgument, "more than "+strconv.Itoa(MaxArgs)+" words in the command")
	}
	v, rest, err := find(argv)
	if err != nil {
		return nil, err
	}
	c := &Call{Verb: *v, Flags: map[string]string{}}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		raw := v.rawAt(len(c.Args)) // the JSON argument: taken as it is
		if a == "--" && !raw {
			c.Args = append(c.Args, rest[i+1:]...)
			break
		}
		if raw || len(a) < 2 || a[0] != '-' {
			c.Args = append(c.Args, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := v.Flag(name, strings.HasPrefix(a, "--"))
		if f == nil {
			return nil, NewError(CodeBadArgument, v.Name+": unknown flag "+strconv.Quote(a)+v.flagHint())
		}
		if f.Value == "" {
			if hasVal {
				return nil, NewError(CodeBadArgument, v.Name+": flag --"+f.Name+" takes no value")
			}
			val = "true"
		} else if !hasVal {
			if i+1 == len(rest) {
				return nil, NewError(CodeBadArgument, v.Name+": flag --"+f.Name+" needs a value ("+f.Value+")")
			}
			i++
			val = rest[i]
		}
		if _, dup := c.Flags[f.Name]; dup {
			return nil, NewError(CodeBadArgument, v.Name+": flag --"+f.Name+" given twice")
		}
		c.Flags[f.Name] = val
	}
	if v.TrailingFlag != "" && len(c.Args) > 0 && c.Args[len(c.Args)-1] == v.TrailingFlag {
		c.Args = c.Args[:len(c.Args)-1]
		c.Flags[v.TrailingFlag] = "true"
	}
	if v.TrailingFlag != "" && len(c.Args) > 0 && c.Args[0] == v.TrailingFlag {
		// First, as the seed's status took it: status debug blink.
		c.Args = c.Args[1:]
		c.Flags[v.TrailingFlag] = "true"
	}
	n := len(c.Args)
	if n < v.MinArgs || v.MaxArgs >= 0 && n > v.MaxArgs {
		return nil, NewError(CodeBadArgument, v.Name+": "+countText(v, n)+"; usage: "+v.Usage())
	}
	for i, a := range c.Args {
		if v.RawTail && i == len(c.Args)-1 && v.MinArgs == v.MaxArgs && i == v.MinArgs-1 {
			break // the JSON argument
		}
		if v.RawTail && v.MaxArgs > v.MinArgs && i >= v.MinArgs && IsJSONArg(a) {
			// The optional JSON argument (clone SRC [NAME] [JSON]).
			if err := jsonSyntax(a); err != nil {
				return nil, NewError(CodeBadArgument, v.Name+": JSON arguments: "+err.Error()+": "+truncate(a, 60))
			}
			break
		}
		if v.Names == TaskNames || v.Names == ServiceNames || v.Names == KindNames {
			if err := CheckName(a); err != nil {
				return nil, NewError(CodeBadArgument, v.Name+": argument "+strconv.Itoa(i+1)+": "+err.Error())
			}
		}
	}
	return c, nil
}

// JoinJSON joins the words of a RawTail verb's JSON argument that a
// shell split ("set args blink {"pin": 3}" typed unquoted reaches a CLI
// as {pin: and 3}) back into one argument, as ParseLine does for a line;
// args are the words after the verb's name, without flags. The JSON is
// the last required argument and everything after it, or, when it is
// optional (clone SRC [NAME] [JSON]), the first word after the required
// ones that starts with { or [ and everything after it.
func (v *Verb) JoinJSON(args []string) []string {
	if !v.RawTail {
		return args
	}
	at := v.MinArgs - 1
	if v.MaxArgs > v.MinArgs {
		at = -1
		for i := v.MinArgs; i < len(args); i++ {
			if a := args[i]; a != "" && (a[0] == '{' || a[0] == '[') {
				at = i
				break
			}
		}
	}
	if at < 0 || at >= len(args)-1 {
		return args
	}
	return append(args[:at:at], strings.Join(args[at:], " "))
}

// rawAt reports whether the argument at index i (flags not counted) of a
// RawTail verb is taken as it is: the JSON argument of a verb with a fixed
// number of arguments (flags may follow it), or any argument after the
// required ones of a verb whose JSON is optional.
func (v *Verb) rawAt(i int) bool {
	if !v.RawTail {
		return false
	}
	if v.MaxArgs > v.MinArgs {
		return i >= v.MinArgs
	}
	return i == v.MinArgs-1
}

func countText(v *Verb, n int) string {
	want := ""
	switch {
	case v.MinArgs == v.MaxArgs:
		want = "takes " + plural(v.MinArgs, "argument")
	case v.MaxArgs < 0:
		want = "takes at least " + plural(v.MinArgs, "argument")
	default:
		want = "takes " + strconv.Itoa(v.MinArgs) + " to " + strconv.Itoa(v.MaxArgs) + " arguments"
	}
	return want + ", got " + strconv.Itoa(n)
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

// MaxNameBytes is the longest task or service name (or pattern) accepted.
const MaxNameBytes = 200

// CheckName accepts task and service names and '*' patterns made of
// letters, digits and _ . - @ : + *, not starting with '-' or '.', without
// "..": nothing that could be a path, an option or a terminal escape.
func CheckName(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	if len(s) > MaxNameBytes {
		return fmt.Errorf("name is %d bytes, over the limit of %d", len(s), MaxNameBytes)
	}
	if s[0] == '-' || s[0] == '.' {
		return fmt.Errorf("name %q may not start with %q", s, s[0])
	}
	if strings.Contains(s, "..") {
		return fmt.Errorf("name %q may not contain \"..\"", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-@:+*", c) >= 0 {
			continue
		}
		return fmt.Errorf("name %q has a character not allowed in names (%s at byte %d)", s, describeRune(s[i:]), i+1)
	}
	return nil
}

// describeRune names the rune s starts with for an error: U+202E
// '\u202e' (escaped as strconv.QuoteRune escapes what does not print,
// as termsafe does), or the byte when s does not start with valid UTF-8.
func describeRune(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte %#02x, not UTF-8,", s[0])
	}
	return fmt.Sprintf("U+%04X %s", r, strconv.QuoteRune(r))
}

// IsJSONArg reports whether the optional JSON argument of clone and add
// (after SRC or KIND, with or without NAME) is a, not a NAME: it is valid
// JSON, or it starts an object or a list (broken JSON is bad JSON, not a
// bad name).
func IsJSONArg(a string) bool {
	return a != "" && (a[0] == '{' || a[0] == '[') || json.Valid([]byte(a))
}

// jsonSyntax is nil for valid JSON, else where and why it is not:
// "invalid JSON at byte 12 (unexpected end of JSON input)".
func jsonSyntax(a string) error {
	var v any
	err := json.Unmarshal([]byte(a), &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d (%s)", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return err
}
