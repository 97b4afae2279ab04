package api_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
)

// render writes a Call back as words the way the aioctl CLI does: the
// verb, each flag as --name or --name=value, then "--" and the arguments.
func render(c *api.Call) []string {
	argv := c.Verb.Words()
	for _, f := range c.Verb.Flags {
		v, ok := c.Flags[f.Name]
		switch {
		case !ok:
		case f.Value == "":
			argv = append(argv, "--"+f.Name)
		default:
			argv = append(argv, "--"+f.Name+"="+v)
		}
	}
	if len(c.Args) > 0 {
		argv = append(append(argv, "--"), c.Args...)
	}
	return argv
}

// FuzzParse: Parse never panics, fails only with unknown_verb or
// bad_argument, keeps the counts, takes only the verb's flags, and what
// it parsed, written back as the CLI writes it, parses the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"status", "status -n 3 hello* debug", "stop a b", `set args blink {"pin": -3}`,
		"log -f -E a|b", "log --lines=5 -- -x", "follow --level ERROR x", "services config s {}", "help set args",
		"services", "debug on off", "schedule next 5", `clone b n {"a": 1}`, `schedule set w {"start_in": 5} --save`, "add k -- -x", "schedule next w 3", "names verbs", "status --debug=x", "boot order -- x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		argv, err := api.ParseLine(line)
		if err != nil {
			return
		}
		c, err := api.Parse(argv)
		if err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Code != api.CodeUnknownVerb && e.Code != api.CodeBadArgument {
				t.Fatalf("%q: error %v is not unknown_verb or bad_argument", argv, err)
			}
			return
		}
		v := c.Verb
		if len(c.Args) < v.MinArgs || v.MaxArgs >= 0 && len(c.Args) > v.MaxArgs {
			t.Fatalf("%q: %d arguments for %s", argv, len(c.Args), v.Usage())
		}
		for name := range c.Flags {
			if v.Flag(name, true) == nil {
				t.Fatalf("%q: flag %q is not one of %s's", argv, name, v.Name)
			}
		}
		if v.TrailingFlag != "" && len(c.Args) > 0 && c.Args[len(c.Args)-1] == v.TrailingFlag {
			return // "status debug debug": the word is both; written back it is the flag
		}
		again, err := api.Parse(render(c))
		if err != nil || again.Verb.Name != v.Name || !slices.Equal(again.Args, c.Args) || !maps.Equal(again.Flags, c.Flags) {
			t.Fatalf("%q parsed as %s %q %v; written back %q: %+v %v", argv, v.Name, c.Args, c.Flags, render(c), again, err)
		}
	})
}
