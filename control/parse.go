package control

// Argument parsing: a command line becomes words (api's splitter,
// re-exported), and words become a call checked against the verb table
// (api.Parse), the verb's own checks and the program's components, so
// that everything is checked before anything runs. interp.go runs calls.

import "github.com/aiotools-go/aiotools/control/api"

// Limits of the command-line parser (api.MaxLineBytes, api.MaxArgs).
const (
	// MaxLineBytes is the longest command line the interpreter accepts.
	MaxLineBytes = api.MaxLineBytes
	// MaxArgs is the most words a command may have.
	MaxArgs = api.MaxArgs
)

// Split splits a command line into words the way a POSIX shell does for
// plain words (api.Split).
func Split(line string) ([]string, error) { return api.Split(line) }

// Quote returns s quoted so that Split gives it back as one word
// (api.Quote).
func Quote(s string) string { return api.Quote(s) }

// MaxNameBytes is the longest task or service name (or pattern) accepted.
const MaxNameBytes = api.MaxNameBytes

// ParseLine splits a command line into words for Exec (api.ParseLine).
func ParseLine(line string) ([]string, error) { return api.ParseLine(line) }

// call is one parsed command, with what runs it.
type call struct {
	verb  *Verb
	impl  impl
	args  []string
	flags map[string]string
	opt   Options
}

func (c *call) streams() bool { return c.verb.Streams(c.flags) }

func (c *call) flag(name string) (string, bool) {
	v, ok := c.flags[name]
	return v, ok
}

func (c *call) has(name string) bool { _, ok := c.flags[name]; return ok }

// parse checks the command against the table (api.Parse: the verb, the
// flags, the number of arguments, the names), then the values only the
// verb's impl knows, then that the program has the component: everything
// is checked before anything is done.
func (in *Interp) parse(argv []string) (*call, error) {
	if c, ok, err := in.user.parse(argv); ok {
		return c, err
	}
	ac, err := api.Parse(argv)
	if err != nil {
		return nil, in.user.suggest(argv, err)
	}
	im, ok := impls[ac.Verb.Name]
	if !ok {
		return nil, errorf(CodeInternal, ac.Verb.Name+": no run function for this verb in this program")
	}
	c := &call{verb: &ac.Verb, impl: im, args: ac.Args, flags: ac.Flags}
	if im.check != nil {
		if err := im.check(c); err != nil {
			return nil, err
		}
	}
	if !in.has(c.verb.Needs) {
		return nil, errorf(CodeNotAvailable, c.verb.Name+": this program has no "+c.verb.Needs.String()+" attached to its control interpreter")
	}
	return c, nil
}

// check parses argv as Exec or Stream would, without running it.
func (in *Interp) check(argv []string, stream bool) error {
	c, err := in.parse(argv)
	if err != nil {
		return err
	}
	if s := c.streams(); s != stream {
		if s {
			return errorf(CodeStreamOnly, c.verb.Name+" streams its output: use the stream endpoint")
		}
		return errorf(CodeNotStream, c.verb.Name+" does not stream: use the exec endpoint")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
