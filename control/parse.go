package control

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
