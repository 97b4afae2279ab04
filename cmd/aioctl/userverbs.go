package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// programVerb runs a word the CLI does not know at build time when it is
// a verb the program registered (control's Interp.Register): the table
// the program serves (GET /v1/verbs) says so. ok is false when it is not
// one (or no program answers): the caller reports the unknown verb, with
// the program's close verbs added to the did-you-mean (unknown is that
// error, from the built-in table).
func (a *app) programVerb(args []string, unknown error) (ok bool, err error) {
	verbs := a.programVerbs()
	for _, v := range verbs {
		if v.Name == args[0] {
			return true, a.exec(args)
		}
	}
	return false, closeToProgramVerb(args[0], verbs, unknown)
}

// closeToProgramVerb adds the program's verbs close to word to unknown,
// the built-in table's error, when the table had none to offer.
func closeToProgramVerb(word string, verbs []api.Verb, unknown error) error {
	var names []string
	for _, v := range verbs {
		names = append(names, v.Name)
	}
	var ce *cliError
	if errors.As(unknown, &ce) && strings.HasSuffix(ce.msg, "try help") {
		if s := api.DidYouMean(api.Suggest(word, names), strconv.Quote); s != "" {
			return &cliError{ce.code, "unknown verb " + strconv.Quote(word) + ":" + s}
		}
	}
	return unknown
}

// closeToCommand offers aioctl's own commands (shell, top) close to
// args[0] when err, the verbs' error, has no did-you-mean.
func closeToCommand(root *cobra.Command, args []string, err error) error {
	if strings.TrimSpace(args[0]) == "" {
		return err // every command is "close" to an empty word
	}
	if s := root.SuggestionsFor(args[0]); len(s) > 0 && !strings.Contains(err.Error(), "did you mean") {
		return &cliError{api.CodeUnknownVerb, "unknown command " + strconv.Quote(args[0]) + ":" + api.DidYouMean(s, strconv.Quote)}
	}
	return err
}

// programVerbs are the verbs the program registered itself (Verb.User),
// from the table it serves; nil when no program answers.
func (a *app) programVerbs() []api.Verb {
	cl, err := a.client()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	all, err := cl.Verbs(ctx)
	if err != nil {
		return nil
	}
	var out []api.Verb
	for _, v := range all {
		if v.User && !v.Hidden {
			out = append(out, v)
		}
	}
	return out
}

// programVerbsHelp makes aioctl's help and completion teach the
// program's own verbs: "aioctl help" (and --help) lists them after
// aioctl's when a program answers, "aioctl help VERB" for one of them
// shows the program's help of it, and the shell completion script
// offers them as first words.
func (a *app) programVerbsHelp(root *cobra.Command) {
	def := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		def(c, args)
		if c != root {
			return
		}
		verbs := a.programVerbs()
		if len(verbs) == 0 {
			return
		}
		out := c.OutOrStdout()
		io.WriteString(out, "\nVerbs of this program (it registered them; aioctl sends them as typed):\n")
		for _, v := range verbs {
			fmt.Fprintf(out, "  %-30s %s\n", termsafe.String(v.Name+" "+v.ArgsUsage), termsafe.String(v.Summary))
		}
	})
	// Tab after aioctl offers the program's verbs beside the built-in ones.
	root.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range a.programVerbs() {
			if len(args) == 0 && strings.HasPrefix(v.Name, toComplete) {
				out = append(out, v.Name+"\t"+termsafe.String(v.Summary))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	hc, helpVerb := helpCommand(root) // help.go
	if hc == nil {
		return
	}
	run := hc.Run
	hc.Run = func(c *cobra.Command, args []string) {
		words := strings.Fields(strings.Join(args, " "))
		if found, rest, err := root.Find(args); len(words) == 0 || err == nil && found != root && len(rest) == 0 {
			run(c, args) // aioctl's help, or one of its commands' (shell, fleet ls)
			return
		}
		if a.fleet.device != "" { // the devices know their own verbs, and say when not
			if err := a.fleetExec(append([]string{helpVerb}, words...)); err != nil {
				a.fail(err)
			}
			return
		}
		verbs := a.programVerbs()
		for _, v := range verbs {
			if len(words) == 1 && v.Name == words[0] {
				if err := a.exec([]string{helpVerb, v.Name}); err != nil {
					a.fail(err)
				}
				return
			}
		}
		// No verb, group or command: a usage error naming the closest,
		// as help X in the shell; cobra printed the whole help, exit 0.
		a.fail(closeToCommand(root, words, closeToProgramVerb(words[0], verbs, unknownVerb(words))))
	}
}
