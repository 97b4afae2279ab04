package main

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/control/api"
)

// tableHelp makes "aioctl help X" print what "help X" prints in the shell
// and the console, for every verb of the table (two-word ones too, typed
// as one argument or two) and every group's first word: the program's
// answer, with what only it knows (help add: its kinds). Without a
// program to ask it prints the table's part, the same text without that.
// Other topics (aioctl's own commands: shell, top, completion) keep
// cobra's help.
func (a *app) tableHelp(root *cobra.Command) {
	var helpVerb string // the verb that takes verb names: help
	for _, v := range api.Verbs() {
		if v.Names == api.VerbNames {
			helpVerb = v.Name
		}
	}
	hc, _, err := root.Find([]string{helpVerb})
	if err != nil || hc == root || hc.Run == nil {
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
		if a.fleet.device == "" {
			if cl, err := a.client(); err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				resp, _ := cl.Exec(ctx, argv, api.Options{JSON: a.output == "json", Color: a.color()})
				cancel()
				if resp != nil {
					a.exit = a.answer(resp, "aioctl: %[2]s (%[1]s)\n")
					return
				}
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
