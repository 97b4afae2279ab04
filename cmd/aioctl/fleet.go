package main

// Fleet mode on the client side: `aioctl --broker URL fleet ls` lists the
// devices on a broker, and `aioctl --broker URL --device ID|PATTERN VERB …`
// runs a verb on each matching device through MQTT request/response
// (package aiomqtt/fleet, which links nothing of the server side).

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// fleetFlags are the global flags of fleet mode.
type fleetFlags struct {
	broker, device string
	wait           time.Duration
	// prefix: each line of a text answer after its device's id, not
	// under a "== id ==" header (fleet log, for grep).
	prefix bool
}

func (a *app) addFleetFlags(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&a.fleet.broker, "broker", os.Getenv("AIOTOOLS_BROKER"), "fleet mode: the MQTT broker's URL, mqtt://host:1883 or mqtts://… (env AIOTOOLS_BROKER; default: ~/.config/aiotools/fleet.json)")
	pf.StringVar(&a.fleet.device, "device", "", "fleet mode: run the verb on this device, or on every device whose id matches this pattern ('*' any run of characters); words aioctl does not know (the program's own verbs) go to the devices as typed (a flag of one: after --)")
	pf.DurationVar(&a.fleet.wait, "fleet-timeout", 5*time.Second, "fleet mode: how long to wait for the devices' answers")
}

// fleetSettings are the broker settings: the flag or $AIOTOOLS_BROKER for
// the URL, ~/.config/aiotools/fleet.json for the rest (and the URL when
// neither gives one).
func (a *app) fleetSettings() (fleet.Settings, error) {
	var s fleet.Settings
	if dir, err := os.UserConfigDir(); err == nil {
		p := filepath.Join(dir, "aiotools", "fleet.json")
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // there, but unreadable: not as if absent
			return s, &cliError{api.CodeBadArgument, err.Error()}
		}
		if err == nil {
			// Its mistakes are named at their place (FILE:LINE:COLUMN),
			// an unknown key too, as the services config's are.
			if s, err = fleet.ParseSettings(p, b); err != nil {
				return s, &cliError{api.CodeBadArgument, err.Error()}
			}
		}
	}
	if a.fleet.broker != "" {
		s.Broker = a.fleet.broker
	}
	if s.Broker == "" {
		return s, &cliError{api.CodeBadArgument, "fleet mode needs a broker: --broker mqtt://HOST:1883, $AIOTOOLS_BROKER or \"broker\" in ~/.config/aiotools/fleet.json"}
	}
	return s, nil
}

func (a *app) dialFleet(ctx context.Context) (*fleet.Client, error) {
	s, err := a.fleetSettings()
	if err != nil {
		return nil, err
	}
	c, err := fleet.Dial(ctx, s)
	if errors.Is(err, fleet.ErrBrokerURL) { // a flag value (or fleet.json's) it refuses: exit 2
		return nil, &cliError{api.CodeBadArgument, err.Error()}
	}
	if err != nil {
		return nil, &cliError{api.CodeNoProgram, err.Error()}
	}
	return c, nil
}

func (a *app) fleetCommand() *cobra.Command {
	// A word that is no command here is refused by groupsRefuseUnknownWords.
	root := &cobra.Command{Use: "fleet", Short: "fleet mode: the devices on an MQTT broker (--broker URL)"}
	ls := &cobra.Command{Use: "ls [PATTERN]", Short: "the devices: ONLINE/OFFLINE/LOST, last seen, uptime, tasks by state",
		Long: "The devices on the broker: ONLINE/OFFLINE/LOST, last seen, uptime, tasks by state.\n" +
			"PATTERN ('*', '?', [a-z]) keeps the devices it matches; one that matches none exits 4\n" +
			"(not_found), as --device does; a bad one exits 2.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			return a.fleetList(pattern)
		}}
	var follow bool
	lg := &cobra.Command{Use: "log [-f] [GREP]", Short: "the log of every device (--device: the matching ones), each line after its device's id; -f follows it until Ctrl-C",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.fleetLog(follow, args)
		}}
	if v, ok := logVerb(); ok { // the table's follow flag, as the verb has it
		if f := v.Flag(v.StreamFlag, true); f != nil {
			lg.Flags().BoolVarP(&follow, f.Name, f.Short, false, f.Usage)
		}
	}
	root.AddCommand(ls, lg)
	return root
}

// logVerb is the verb of the table that streams with a flag: the log.
func logVerb() (api.Verb, bool) {
	for _, v := range api.Verbs() {
		if v.Stream && v.StreamFlag != "" {
			return v, true
		}
	}
	return api.Verb{}, false
}

// fleetLog prints the log of the matching devices, prefixed by their
// ids; with follow, it follows them until Ctrl-C.
func (a *app) fleetLog(follow bool, args []string) error {
	v, ok := logVerb()
	if !ok {
		return &cliError{api.CodeUnknownVerb, "the verb table has no streaming log verb"}
	}
	argv := []string{v.Name}
	if follow {
		argv = append(argv, "--"+v.StreamFlag)
	}
	argv = append(append(argv, "--"), args...)
	if a.fleet.device == "" {
		a.fleet.device = "*"
	}
	if !follow {
		a.fleet.prefix = true
		return a.fleetExec(argv)
	}
	return a.fleetFollow(argv)
}

// fleetStream is a streaming verb with --device: the log's follow runs on
// the devices (fleetFollow); other streams do not run over MQTT.
func (a *app) fleetStream(argv []string) error {
	if v, ok := logVerb(); ok && len(argv) > 0 && argv[0] == v.Name {
		return a.fleetFollow(argv)
	}
	return &cliError{api.CodeStreamOnly, errFleetStream.Error()}
}

// fleetFollow follows the log of the devices --device names with the
// streaming command argv, each line after its device's id, until Ctrl-C.
func (a *app) fleetFollow(argv []string) error {
	return a.withDevices(func(ctx, _ context.Context, c *fleet.Client, ids []string) error {
		return a.followOn(ctx, c, ids, argv)
	})
}

// followOn follows the log of the devices ids until ctx ends.
func (a *app) followOn(ctx context.Context, c *fleet.Client, ids []string, argv []string) error {
	lines := make(chan string, 1024)
	// A broker that goes away is said on stderr, as is its return (the
	// client subscribes again; the devices' follows go on).
	conn := make(chan error, 4)
	c.OnConnection(func(err error) {
		select {
		case conn <- err:
		default:
		}
	})
	first := c.Follow(ctx, ids, argv, func(dev string, e api.Event) {
		line := followLine(dev, e)
		select {
		case lines <- line:
		default: // a terminal slower than the fleet: the line is dropped
		}
	})
	defer c.StopFollow(ids)
	refused, exit := 0, api.ExitFailure
	for _, an := range first {
		if an.Err != nil {
			fmt.Fprintf(a.stderr, "aioctl: %s: %s\n", termsafe.String(an.Device), termsafe.String(an.Err.Error()))
		} else if an.Response.Error != nil {
			fmt.Fprintf(a.stderr, "aioctl: %s: %s\n", termsafe.String(an.Device), termsafe.String(an.Response.Error.Message))
			a.exit = api.ExitFailure
			refused++
			exit = api.ExitFor(an.Response.Error.Code)
		}
	}
	if refused == len(first) && refused > 0 {
		// Every device refused the follow (its usage error): no line can
		// come; end with the devices' exit status, not at Ctrl-C.
		a.exit = exit
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case l := <-lines:
			fmt.Fprintln(a.stdout, strings.TrimRight(l, "\n"))
		case err := <-conn:
			if err == nil {
				fmt.Fprintln(a.stderr, "aioctl: back on the broker; following again")
			} else {
				fmt.Fprintln(a.stderr, "aioctl: "+termsafe.String(err.Error()))
			}
		}
	}
}

// withDevices is how every --device command starts: ctx ends on Ctrl-C
// or SIGTERM, wctx also after --fleet-timeout; within wctx it connects to
// the broker and lists the devices --device names (fleetDevices), runs fn
// with them, and closes the client.
func (a *app) withDevices(fn func(ctx, wctx context.Context, c *fleet.Client, ids []string) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	wctx, cancel := context.WithTimeout(ctx, a.fleet.wait)
	defer cancel()
	c, err := a.dialFleet(wctx)
	if err != nil {
		return err
	}
	defer c.Close()
	ids, err := a.fleetDevices(wctx, c)
	if err != nil {
		return err
	}
	return fn(ctx, wctx, c, ids)
}

// fleetDevices are the devices --device names: the id itself, or the
// online devices a pattern matches. An id or pattern that names no online
// device is an error at once (not a timeout later) that says what the
// broker knows of them: nothing, or OFFLINE / LOST.
func (a *app) fleetDevices(ctx context.Context, c *fleet.Client) ([]string, error) {
	want := a.fleet.device
	exact := !strings.ContainsAny(want, "*?[")
	if _, err := path.Match(want, ""); !exact && err != nil {
		return nil, &cliError{api.CodeBadArgument, "--device " + termsafe.String(strconv.Quote(want)) + ": bad pattern (use '*', '?' and [a-z])"}
	}
	devs, err := c.Devices(ctx, "")
	if err != nil {
		return nil, &cliError{api.CodeTimeout, err.Error()}
	}
	var ids, down []string
	for _, d := range devs {
		if exact && d.ID != want || !exact && !fleet.MatchID(want, d.ID) {
			continue
		}
		if d.Status == "OFFLINE" || d.Status == "LOST" {
			down = append(down, termsafe.String(d.ID)+" "+termsafe.String(d.Status))
			continue
		}
		ids = append(ids, d.ID)
	}
	if len(ids) > 0 {
		return ids, nil
	}
	what := "no device " + termsafe.String(strconv.Quote(want)) + " on this broker"
	if !exact {
		what = "no device matches " + termsafe.String(strconv.Quote(want)) + " on this broker"
	}
	if len(down) > 0 {
		what = "no online device: " + strings.Join(down, ", ")
	}
	return nil, &cliError{api.CodeNotFound, what + " (aioctl fleet ls lists them)"}
}

func (a *app) fleetList(pattern string) error {
	if _, err := path.Match(pattern, ""); err != nil {
		return &cliError{api.CodeBadArgument, "fleet ls " + termsafe.String(strconv.Quote(pattern)) + ": bad pattern (use '*', '?' and [a-z])"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, a.fleet.wait)
	defer cancel()
	c, err := a.dialFleet(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	devs, err := c.Devices(ctx, pattern)
	if err != nil {
		return &cliError{api.CodeTimeout, err.Error()}
	}
	if len(devs) == 0 && pattern != "" { // as --device: none is not found
		return &cliError{api.CodeNotFound, "no device matches " + termsafe.String(strconv.Quote(pattern)) + " on this broker (aioctl fleet ls lists them)"}
	}
	if a.output == "json" {
		if devs == nil {
			devs = []fleet.Device{}
		}
		a.printJSON(devs)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tSTATE\tLAST SEEN\tUPTIME\tTASKS")
	now := time.Now()
	for _, d := range devs {
		seen, up := "-", "-"
		if !d.LastSeen.IsZero() {
			seen = now.Sub(d.LastSeen).Round(time.Second).String() + " ago"
			if d.Status == "ONLINE" {
				// The stats give the uptime when they were sent (every
				// 30 s by default): an online device has been up since.
				up = now.Sub(d.LastSeen.Add(-d.Uptime)).Round(time.Second).String()
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", termsafe.String(d.ID), termsafe.String(d.Status), seen, up, termsafe.String(taskCounts(d.Tasks)))
	}
	tw.Flush()
	if len(devs) == 0 {
		fmt.Fprintln(a.stderr, "aioctl: no device on this broker")
	}
	return nil
}

// taskCounts is "running 5, done 2": tasks by state, most first.
func taskCounts(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var s []kv
	for k, v := range m {
		s = append(s, kv{k, v})
	}
	// Most first, then by name, for a stable line.
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (s[j].v > s[j-1].v || s[j].v == s[j-1].v && s[j].k < s[j-1].k); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	var parts []string
	for _, e := range s {
		parts = append(parts, fmt.Sprintf("%s %d", e.k, e.v))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// fleetExec runs argv on the devices --device names and prints the
// answers grouped per device, in device order; devices that did not
// answer in time are named, and the exit status is not 0 if any failed.
func (a *app) fleetExec(argv []string) error {
	return a.withDevices(func(_, wctx context.Context, c *fleet.Client, ids []string) error {
		return a.execOn(wctx, c, ids, argv)
	})
}

// execOn runs argv on the devices ids, waiting for answers until ctx ends.
func (a *app) execOn(ctx context.Context, c *fleet.Client, ids []string, argv []string) error {
	answers := c.Exec(ctx, ids, argv, api.Options{JSON: a.output == "json", Color: a.color()})
	var silent []string
	if a.output == "json" {
		type out struct {
			Device string        `json:"device"`
			Answer *api.Response `json:"answer,omitempty"`
			Error  string        `json:"error,omitempty"`
		}
		var all []out
		for _, an := range answers {
			o := out{Device: an.Device, Answer: an.Response}
			if an.Err != nil {
				o.Error = an.Err.Error()
				silent = append(silent, an.Device)
			} else if an.Response.Exit != 0 && a.exit == 0 {
				a.exit = an.Response.Exit
			}
			all = append(all, o)
		}
		a.printJSON(all)
	} else {
		for _, an := range answers {
			if an.Err != nil {
				silent = append(silent, an.Device)
				continue
			}
			if a.fleet.prefix && an.Response.Error == nil {
				a.printPrefixed(an.Device, an.Response.Text)
				if e := an.Response.Exit; e != 0 && a.exit == 0 {
					a.exit = e
				}
				continue
			}
			if len(answers) > 1 {
				fmt.Fprintf(a.stdout, "== %s ==\n", termsafe.String(an.Device))
			}
			if e := a.answer(an.Response, "aioctl: "+termsafe.String(an.Device)+": %[2]s (%[1]s)\n"); e != 0 && a.exit == 0 {
				a.exit = e
			}
		}
	}
	if len(silent) > 0 {
		fmt.Fprintf(a.stderr, "aioctl: no answer within %v from: %s\n", a.fleet.wait, termsafe.String(strings.Join(silent, ", ")))
		if a.exit == 0 {
			a.exit = api.ExitFailure
		}
	}
	return nil
}

// printPrefixed prints each line of text after the device's id, as
// fleet log -f does.
func (a *app) printPrefixed(device, text string) {
	safe := termsafe.String(device) + ": "
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		if a.color() {
			fmt.Fprintln(a.stdout, safe+termsafe.ColorText(line))
		} else {
			fmt.Fprintln(a.stdout, safe+termsafe.Text(line))
		}
	}
}

var errFleetStream = errors.New("fleet mode: of the streaming verbs only log -f runs over MQTT (aioctl --device ID log -f, or aioctl fleet log -f)")

// followLine is how fleet log -f prints a device's log event: after the
// device's id, and after a "-- N lines lost --" line (the log verb's form)
// when the device dropped some before it.
func followLine(dev string, e api.Event) string {
	line := termsafe.String(dev) + ": " + termsafe.String(e.Text)
	if e.Lost > 0 {
		line = fmt.Sprintf("%s: -- %d lines lost --\n%s", termsafe.String(dev), e.Lost, line)
	}
	return line
}
