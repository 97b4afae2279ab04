package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// fail reports an error of aioctl itself or of the transport: on stderr,
// or with -o json as an answer on stdout, with its code; the exit status
// is the code's (2 for a usage error).
func (a *app) fail(err error) {
	code := api.CodeInternal
	var ce *cliError
	var ae *api.Error
	switch {
	case errors.As(err, &ce):
		code = ce.code
	case errors.As(err, &ae):
		code = ae.Code
	case errors.Is(err, client.ErrNoProgram):
		code = api.CodeNoProgram
	}
	if a.exit == 0 {
		a.exit = api.ExitFor(code)
	}
	if a.output == "json" {
		a.printJSON(&api.Response{Exit: a.exit, Error: &api.Error{Code: code, Message: err.Error()}})
		return
	}
	fmt.Fprintln(a.stderr, "aioctl:", termsafe.Text(err.Error()))
}

// cliError is an error aioctl finds itself (a usage error, no program to
// talk to), with the code the program would give it.
type cliError struct {
	code api.Code
	msg  string
}

func (e *cliError) Error() string { return e.msg }

// unknownVerb is the usage error for words that start no verb, with the
// table's did-you-mean.
func unknownVerb(words []string) error {
	_, _, err := api.Find(words)
	var ae *api.Error
	if errors.As(err, &ae) {
		return &cliError{ae.Code, ae.Message}
	}
	return &cliError{api.CodeUnknownVerb, "unknown verb " + strconv.Quote(strings.Join(words, " "))}
}

// countText says how many arguments a verb takes and how many it got.
func countText(min, max, n int) string {
	want := fmt.Sprintf("takes %d to %d arguments", min, max)
	switch {
	case max < 0:
		want = fmt.Sprintf("takes at least %d argument%s", min, plural(min))
	case min == max:
		want = fmt.Sprintf("takes %d argument%s", min, plural(min))
	}
	return fmt.Sprintf("%s, got %d", want, n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
