// Command aioctl controls a running aiotools program through its control
// socket: one-shot verbs (status, start, stop, log -f, …), an interactive
// shell, and shell completions.
//
//	aioctl status                      # the status of every task
//	aioctl stop 'hello*'               # stop the matching tasks
//	aioctl log -f hello                # follow the log lines with "hello" until Ctrl-C
//	aioctl -o json status blink        # the status as JSON
//	aioctl shell                       # interactive shell with history and completion
//	aioctl --addr 10.0.0.2:7070 --token "$TOKEN" status
//
// It exits as systemctl does: 0 done, 1 failed, 2 a usage error (with a
// did-you-mean for a mistyped verb or task name), 4 a name or pattern that
// matched nothing; status and is-active 3 when a named task does not run.
// With -o json, errors are JSON on stdout as well.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
	"github.com/aiotools-go/aiotools/control/sockdir"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// app holds the global flags and the streams of one run.
type app struct {
	socket, addr, token string
	cacert              string // trust this certificate and use TLS
	useTLS              bool
	output              string
	noColor             bool
	history             string
	interactive         bool // the shell reads a terminal

	stdin          io.Reader
	stdout, stderr io.Writer
	exit           int
	cl             *client.Client
	at             string         // the socket or address cl talks to, for titles
	fleet          fleetFlags     // --broker, --device: fleet mode (fleet.go)
	root           *cobra.Command // its global flags: which were given (flagGiven)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		a.fail(err)
	}
	if a.cl != nil {
		a.cl.Close()
	}
	return a.exit
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "aioctl [--socket PATH | --addr HOST:PORT --token T] VERB ...",
		Short: "control a running aiotools program",
		Long: `aioctl talks to a running aiotools program through its control socket.

Without --socket or --addr it uses $AIOCTL_SOCKET or $AIOCTL_ADDR (when
neither is set, $AIOTOOLS_SOCKET, which aiotools run and demo read), or the
one socket found in ` + strings.Join(sockdir.Dirs(), ", ") + `.
A flag beats the environment: --addr with $AIOCTL_SOCKET set uses the address.
With --addr and no --token or $AIOCTL_TOKEN it reads the token from the
program's token file (NAME.token beside its socket, in those directories).
Beyond loopback the program speaks TLS: give --cacert (or --tls).

Exit status, as systemctl's: 0 done, 1 failed, 2 a usage error (unknown
verb, bad argument: with a did-you-mean), 4 a name or pattern matched no
task or service.
` + exitHelp() + `With -o json an error is JSON on stdout too: {"ok": false, "exit": N,
"error": {"code": "not_found", "message": "…"}}.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	pf := root.PersistentFlags()
	a.root = root
	pf.StringVar(&a.socket, "socket", os.Getenv("AIOCTL_SOCKET"), "the program's control socket (env AIOCTL_SOCKET)")
	pf.StringVar(&a.addr, "addr", os.Getenv("AIOCTL_ADDR"), "the program's TCP control address HOST:PORT (env AIOCTL_ADDR)")
	pf.StringVar(&a.token, "token", "", "the TCP token (env AIOCTL_TOKEN; prefer the environment: flags show in ps); default: the program's token file")
	pf.StringVar(&a.cacert, "cacert", os.Getenv("AIOCTL_CACERT"), "TCP over TLS, trusting this PEM certificate (the program's self-signed one, or its CA) (env AIOCTL_CACERT)")
	pf.BoolVar(&a.useTLS, "tls", false, "TCP over TLS, trusting the system's certificate authorities")
	pf.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
	pf.BoolVar(&a.noColor, "no-color", os.Getenv("NO_COLOR") != "", "no colours even on a terminal (env NO_COLOR)")
	a.addFleetFlags(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if a.output != "text" && a.output != "json" {
			return &cliError{api.CodeBadArgument, fmt.Sprintf("--output must be text or json, got %q", a.output)} // a usage error: exit 2
		}
		// --device "$DEV", --socket "$S" with the variable unset: a usage
		// error, not the program aioctl would find by itself.
		for flag, what := range map[string]string{"device": "id or pattern (give one: --device demo-1, --device 'demo-*')",
			"socket": "path", "addr": "address (HOST:PORT)"} {
			if f := cmd.Flags().Lookup(flag); f != nil && f.Changed && f.Value.String() == "" {
				return &cliError{api.CodeBadArgument, "--" + flag + ": empty " + what}
			}
		}
		if a.fleet.wait <= 0 {
			return &cliError{api.CodeBadArgument, "--fleet-timeout: want a time above 0, got " + a.fleet.wait.String()}
		}
		if a.token == "" {
			a.token = os.Getenv("AIOCTL_TOKEN")
		}
		return nil
	}

	// A flag error (unknown flag, a value that does not parse) is a usage
	// error: exit 2 with the verb's usage line.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		msg := err.Error()
		if n, ok := negativeNumberFlag(msg); ok {
			// pflag's "unknown shorthand flag: '1' in -1" for a count.
			msg = strconv.Quote(n) + " is read as a flag (it starts with -)"
			if c != root { // a built-in verb: none takes a negative number
				msg += ": no argument here takes a negative number"
			}
		}
		if c == root { // maybe a flag of a verb this binary does not know (the program's own)
			msg += "\nwords after -- go to the program as typed: aioctl " + map[bool]string{true: "--device ID "}[a.fleet.device != ""] + "-- VERB --flag"
		}
		return &cliError{api.CodeBadArgument, msg + "\nusage: " + c.UseLine()}
	})
	// Unknown verbs reach the root (or a group) as arguments: a usage
	// error with the table's did-you-mean, not cobra's help and exit 0.
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		if a.fleet.device != "" { // the devices know their programs' own verbs, and say when not
			return a.fleetExec(args)
		}
		if _, _, ferr := api.Find(args); ferr == nil {
			// A built-in verb after -- (aioctl -- status blink): its words
			// go to the program as typed, as the flag error's hint says.
			if c, perr := api.Parse(args); perr == nil && c.Streams() {
				return a.stream(args)
			}
			return a.exec(args)
		}
		err := unknownVerb(args)
		if ok, perr := a.programVerb(args, err); ok || perr != err {
			return perr // the program's own verb (userverbs.go), or one close to it
		}
		return closeToCommand(cmd, args, err) // maybe close to one of aioctl's own commands (shell)
	}

	// cobra's own commands (help) win over verbs of the same name; the
	// shell sends those to the program. cobra adds its help command only
	// to a root with subcommands: the shell first.
	root.AddCommand(a.shellCommand(), a.fleetCommand(), a.topCommand())
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(completionCommand())
	root.InitDefaultHelpCmd()
	a.programVerbsHelp(root) // userverbs.go
	a.tableHelp(root)        // help.go
	own := map[string]bool{}
	for _, c := range root.Commands() {
		own[c.Name()] = true
	}
	groups := map[string]*cobra.Command{}
	verbCmds := map[string]*cobra.Command{} // one-word verbs: "log" is also the group of "log level"
	for _, v := range api.Verbs() {
		words := v.Words()
		if len(words) == 1 && own[words[0]] {
			// The CLI's own command (help) does the verb here: it
			// teaches it as the table does.
			c, _, _ := root.Find(words)
			c.Short, c.Long, c.Example = v.Summary, v.Summary+".", examples(v)
			continue
		}
		parent := root
		if len(words) == 2 {
			g := groups[words[0]]
			if g == nil && verbCmds[words[0]] != nil {
				g = verbCmds[words[0]]
			}
			if g == nil {
				g = groupCommand(words[0]) // help.go
				unknown := g.RunE
				g.RunE = func(cmd *cobra.Command, args []string) error {
					if a.fleet.device != "" { // the device's interpreter answers
						return a.fleetExec(append([]string{cmd.Name()}, args...))
					}
					return unknown(cmd, args)
				}
				groups[words[0]] = g
				root.AddCommand(g)
			}
			parent = g
		}
		c := a.verbCommand(v)
		verbCmds[v.Name] = c
		parent.AddCommand(c)
	}
	groupsRefuseUnknownWords(root)
	usageArgs(root)
	return root
}

func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			err := check(cmd, args)
			var ce *cliError
			if err == nil || errors.As(err, &ce) {
				return err
			}
			return &cliError{api.CodeBadArgument, strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ") + ": " + err.Error() + "\nusage: " + cmd.UseLine()}
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// exitHelp lists the exit codes of the verbs that have their own, verbs
// with the same codes together: "status and is-active exit with: 0 …".
func exitHelp() string {
	var order []string
	verbs := map[string][]string{}
	for _, v := range api.Verbs() {
		if len(v.ExitCodes) > 0 && !v.Hidden {
			codes := exitCodes(v.ExitCodes)
			if verbs[codes] == nil {
				order = append(order, codes)
			}
			verbs[codes] = append(verbs[codes], v.Name)
		}
	}
	var b strings.Builder
	for _, codes := range order {
		names := verbs[codes]
		verb := " exits"
		if len(names) > 1 {
			verb = " exit"
		}
		b.WriteString(strings.Join(names, " and ") + verb + " with: " + codes + ".\n")
	}
	return b.String()
}

func exitCodes(codes []api.ExitCode) string {
	var s []string
	for _, e := range codes {
		s = append(s, fmt.Sprintf("%d %s", e.Code, e.Meaning))
	}
	return strings.Join(s, ", ")
}

// verbCommand makes the cobra command of one verb of the control table:
// everything it does (arguments, flags, completion, streaming) comes from
// the table.
func (a *app) verbCommand(v api.Verb) *cobra.Command {
	words := v.Words()
	use := words[len(words)-1]
	if v.ArgsUsage != "" {
		use += " " + v.ArgsUsage
	}
	cmd := &cobra.Command{
		Use:    use,
		Short:  v.Summary,
		Hidden: v.Hidden,
	}
	cmd.Long = v.Summary + "."
	if len(v.ExitCodes) > 0 {
		cmd.Long += "\nExit status: " + exitCodes(v.ExitCodes) + "; 1 another error, 2 a usage error."
	}
	cmd.Example = examples(v)
	max := v.MaxArgs
	if max >= 0 && v.TrailingFlag != "" {
		max++ // the flag given as the last word
	}
	if v.RawTail {
		max = -1 // the shell may have split the JSON
	}
	cmd.Args = func(_ *cobra.Command, args []string) error {
		if n := len(args); n < v.MinArgs || max >= 0 && n > max {
			return &cliError{api.CodeBadArgument, v.Name + ": " + countText(v.MinArgs, v.MaxArgs, n) + "\nusage: aioctl " + v.Usage()}
		}
		return nil
	}
	vals := map[string]*typedValue{}
	bools := map[string]*bool{}
	for _, f := range v.Flags {
		if f.Value == "" {
			bools[f.Name] = cmd.Flags().BoolP(f.Name, f.Short, false, f.Usage)
		} else {
			vals[f.Name] = &typedValue{kind: f.Type()}
			cmd.Flags().VarP(vals[f.Name], f.Name, f.Short, f.Usage)
		}
	}
	if kind := v.Names.Kind(); kind != "" {
		cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cl, err := a.client()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			names, _ := cl.Names(ctx, kind)
			return names, cobra.ShellCompDirectiveNoFileComp
		}
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		argv := append([]string{}, words...)
		set := map[string]string{}
		for _, f := range v.Flags {
			if !cmd.Flags().Changed(f.Name) {
				continue
			}
			if p := bools[f.Name]; p != nil {
				if *p {
					argv = append(argv, "--"+f.Name)
					set[f.Name] = "true"
				}
			} else {
				argv = append(argv, "--"+f.Name+"="+vals[f.Name].s)
				set[f.Name] = vals[f.Name].s
			}
		}
		stream := v.Streams(set)
		args = v.JoinJSON(args) // the shell split the JSON: join it again
		if len(args) > 0 {
			argv = append(argv, "--")
			argv = append(argv, args...)
		}
		if stream {
			return a.stream(argv)
		}
		return a.exec(argv)
	}
	return cmd
}

func (a *app) color() bool {
	if a.noColor || a.output == "json" {
		return false
	}
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// exec runs a one-shot verb and prints its answer.
func (a *app) exec(argv []string) error {
	if a.fleet.device != "" {
		return a.fleetExec(argv)
	}
	cl, err := a.client()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	resp, err := cl.Exec(ctx, argv, api.Options{JSON: a.output == "json", Color: a.color()})
	if resp == nil {
		return err
	}
	a.exit = a.answer(resp, "aioctl: %[2]s (%[1]s)\n")
	return nil
}

// answer prints an answer, its error on stderr (errf formats code and
// message), or with -o json the whole answer, error and all, on stdout;
// it returns the exit status.
func (a *app) answer(resp *api.Response, errf string) int {
	exit := resp.Exit
	if resp.Error != nil && exit == 0 {
		exit = api.ExitFor(resp.Error.Code)
		resp.Exit = exit
	}
	if a.output == "json" && resp.Error != nil {
		a.printJSON(resp)
		return exit
	}
	a.print(resp)
	if resp.Error != nil {
		fmt.Fprintf(a.stderr, errf, termsafe.String(string(resp.Error.Code)), termsafe.String(resp.Error.Message))
	}
	return exit
}

// examples renders a verb's examples for its help.
func examples(v api.Verb) string {
	var lines []string
	for _, e := range v.Examples {
		lines = append(lines, "  aioctl "+e)
	}
	return strings.Join(lines, "\n")
}

// typedValue is a flag's value, kept as the string typed (the program
// checks it), shown in help with the flag's type: "-n, --lines int".
type typedValue struct {
	s, kind string
}

func (v *typedValue) String() string     { return v.s }
func (v *typedValue) Set(s string) error { v.s = s; return nil }
func (v *typedValue) Type() string       { return v.kind }

// print prints an answer. Nothing from the server reaches the terminal
// raw, whatever the server sends: text is escaped as the server escapes it
// (newlines, tabs and, on a terminal, colour sequences stay), JSON has
// DEL, C1 and bidi controls as \uNNNN.
func (a *app) print(resp *api.Response) {
	if a.output == "json" {
		if len(resp.Data) == 0 {
			if resp.Error != nil {
				a.printJSON(resp)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(resp.Data))
		dec.UseNumber() // big numbers stay exact
		var v any
		if dec.Decode(&v) == nil {
			a.printJSON(v)
			return
		}
		fmt.Fprintln(a.stdout, termsafe.Text(string(resp.Data)))
		return
	}
	if a.color() {
		io.WriteString(a.stdout, termsafe.ColorText(resp.Text))
		return
	}
	io.WriteString(a.stdout, termsafe.Text(resp.Text))
}

// printJSON prints v as indented JSON, not HTML-escaped (">&2" stays so,
// it is read in a terminal or by a script), with DEL, C1 and bidi controls
// escaped.
func (a *app) printJSON(v any) {
	a.stdout.Write(termsafe.JSON(marshalJSON(v, "  ")))
}

// marshalJSON encodes v without HTML escaping, indented by indent (none
// when ""), with a newline after it.
func marshalJSON(v any, indent string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return []byte("null\n")
	}
	return buf.Bytes()
}

// stream runs follow / log -f until Ctrl-C.
func (a *app) stream(argv []string) error {
	if a.fleet.device != "" {
		return a.fleetStream(argv)
	}
	cl, err := a.client()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = cl.Stream(ctx, argv, func(e api.Event) error {
		if a.output == "json" {
			_, err := a.stdout.Write(termsafe.JSON(marshalJSON(e, "")))
			return err
		}
		_, err := io.WriteString(a.stdout, termsafe.String(e.Text)+"\n")
		return err
	})
	if errors.Is(err, client.ErrProgramStopped) {
		// The end of a follow, as tail -f's end when its file goes: said,
		// and not a failure.
		fmt.Fprintln(a.stderr, "aioctl:", termsafe.String(err.Error()))
		return nil
	}
	return err
}

// negativeNumberFlag returns the word of pflag's unknown-shorthand error
// when it is a negative number (schedule next blink -1).
func negativeNumberFlag(msg string) (string, bool) {
	const prefix = "unknown shorthand flag: "
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	i := strings.LastIndex(msg, " in -")
	if i < 0 {
		return "", false
	}
	w := msg[i+len(" in "):]
	if _, err := strconv.ParseFloat(w[1:], 64); err != nil {
		return "", false
	}
	return w, true
}
