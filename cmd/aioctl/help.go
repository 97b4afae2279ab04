package main

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/control/api"
)

// tableHelp makes "aioctl help X" print what "help X" prints in the shell
// and the console, for every verb of the table (two-word ones too, typed
// as one argument or two) and every group's first word: the program's
// answer, with what only it knows (help add: its kinds); with --device,
// the devices'. Without a program to ask it prints the table's part, the same text without that.
// Other topics (aioctl's own commands: shell, top, completion) keep
// cobra's help.
func (a *app) tableHelp(root *cobra.Command) {
	hc, helpVerb := helpCommand(root)
	if hc == nil {
		return
	}
	run := hc.Run
	hc.Run = func(c *cobra.Command, args []string) {
		name, ok := api.HelpTopic(args)
		if len(args) == 0 || !ok {
			run(c, args)
			return
		}
		argv := append([]string{helpVerb}, strings.Fields(name)...)
		if a.fleet.device != "" { // the devices' help: their kinds, their verbs
			if err := a.fleetExec(argv); err != nil {
				a.fail(err)
			}
			return
		}
		if cl, err := a.client(); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			resp, _ := cl.Exec(ctx, argv, api.Options{JSON: a.output == "json", Color: a.color()})
			cancel()
			if resp != nil {
				a.exit = a.answer(resp, "aioctl: %[2]s (%[1]s)\n")
				return
			}
		}
		var data any = api.SubVerbs(name)
		text := api.GroupHelp(name)
		if v, ok := api.LookupVerb(name); ok {
			data, text = v, v.Help()
		}
		if a.output == "json" {
			a.printJSON(data)
			return
		}
		io.WriteString(a.stdout, text)
	}
}

// groupCommand is the command of the first word of two-word verbs
// (services, schedule): its help lists the group's verbs with their
// arguments and summaries and shows an example of each, all from the
// table, as help GROUP does in the shell.
func groupCommand(first string) *cobra.Command {
	subs := api.SubVerbs(first)
	var ex []string
	for _, s := range subs {
		if v, ok := api.LookupVerb(first + " " + s); ok && len(v.Examples) > 0 {
			ex = append(ex, "  aioctl "+v.Examples[0])
		}
	}
	g := &cobra.Command{
		Use:   first + " VERB",
		Short: first + " verbs: " + strings.Join(subs, ", "),
		Long: "The " + first + " verbs (aioctl " + first + " VERB --help shows one):\n" +
			strings.TrimSuffix(api.GroupHelp(first), "\n"),
		Example: strings.Join(ex, "\n"),
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return unknownVerb(append([]string{cmd.Name()}, args...))
		},
	}
	// The verbs are listed in Long, with their arguments: not a second
	// time as cobra's "Available Commands".
	g.SetUsageTemplate(groupUsage)
	return g
}

// groupUsage is cobra's usage template without its list of subcommands.
const groupUsage = `Usage:
  {{.UseLine}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}
`

// helpCommand is aioctl's help command and the name of the table's verb
// that takes verb names (help), or nil when the command tree has none.
func helpCommand(root *cobra.Command) (*cobra.Command, string) {
	var helpVerb string
	for _, v := range api.Verbs() {
		if v.Names == api.VerbNames {
			helpVerb = v.Name
		}
	}
	hc, _, err := root.Find([]string{helpVerb})
	if err != nil || hc == root || hc.Run == nil {
		return nil, ""
	}
	return hc, helpVerb
}

// groupsRefuseUnknownWords makes each of aioctl's own commands that only
// holds commands (fleet) refuse a word that names none of them, as the
// table's groups do (services lst): a usage error with a did-you-mean.
// cobra prints the help of a command that does not run, and exits 0.
func groupsRefuseUnknownWords(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupsRefuseUnknownWords(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	path := strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return &cliError{api.CodeBadArgument, path + " needs one of: " + strings.Join(names, ", ")}
		}
		msg := "unknown command " + strconv.Quote(path+" "+args[0]) + ":"
		if s := api.Suggest(args[0], names); len(s) > 0 {
			return &cliError{api.CodeUnknownVerb, msg + api.DidYouMean(s, func(n string) string { return strconv.Quote(path + " " + n) })}
		}
		return &cliError{api.CodeUnknownVerb, msg + " " + path + " takes one of: " + strings.Join(names, ", ")}
	}
}

// usageArgs makes cobra's argument checks of aioctl's own commands
// (completion takes one shell, shell none) usage errors: exit 2 with the
// usage line, bad_argument in JSON; as plain errors they exited 1, and
// -o json called them "internal".
