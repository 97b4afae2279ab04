package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
)

// helpTopics are what "help" takes: every verb of the table (two-word
// ones as one argument, aioctl help 'log level', and as two) and every
// group's first word.
func helpTopics() [][]string {
	var topics [][]string
	seen := map[string]bool{}
	for _, v := range api.Verbs() {
		topics = append(topics, []string{v.Name})
		if w := v.Words(); len(w) == 2 {
			topics = append(topics, w)
			if !seen[w[0]] {
				seen[w[0]] = true
				topics = append(topics, w[:1])
			}
		}
	}
	return topics
}

// aioctl help X prints what help X prints in the shell, for every verb of
// the table and every group, with what the program adds (help add: its
// kinds); it printed cobra's page (no kinds), and for a two-word verb
// the general help.
func TestCLIHelpIsTheShellsHelp(t *testing.T) {
	p := startProgram(t, control.Config{})
	if err := aioctl.Register(p.g, "led", func(ctx context.Context, a pinArgs) (int, error) { return a.Pin, nil }, pinArgs{Pin: 7}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AIOCTL_SOCKET", p.sock)
	cl, err := client.New(client.Options{Socket: p.sock})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, topic := range helpTopics() {
		words := strings.Fields(strings.Join(topic, " "))
		want, err := cl.Exec(t.Context(), append([]string{"help"}, words...), api.Options{}) // as the shell sends it
		if err != nil || want.Text == "" {
			t.Fatalf("shell: help %q: %v %+v", topic, err, want)
		}
		var out, errs strings.Builder
		code := run(append([]string{"help"}, topic...), strings.NewReader(""), &out, &errs)
		if code != 0 || out.String() != want.Text {
			t.Errorf("aioctl help %q: exit %d, stderr %q\n got: %q\nwant: %q", topic, code, errs.String(), out.String(), want.Text)
		}
	}
	var out, errs strings.Builder
	run([]string{"help", "add"}, strings.NewReader(""), &out, &errs)
	if !strings.Contains(out.String(), "    led pin int = 7\n") {
		t.Errorf("aioctl help add lists no kinds:\n%s", out.String())
	}
}

// Without a program, aioctl help X prints the table's part of it: the
// same text, without what only a program knows.
func TestCLIHelpWithoutAProgram(t *testing.T) {
	t.Setenv("AIOCTL_SOCKET", filepath.Join(t.TempDir(), "none.sock"))
	for _, topic := range helpTopics() {
		name := strings.Join(topic, " ")
		want := api.GroupHelp(name)
		if v, ok := api.LookupVerb(name); ok {
			want = v.Help()
		}
		var out, errs strings.Builder
		code := run(append([]string{"help"}, topic...), strings.NewReader(""), &out, &errs)
		if code != 0 || out.String() != want {
			t.Errorf("aioctl help %q: exit %d, stderr %q\n got: %q\nwant: %q", topic, code, errs.String(), out.String(), want)
		}
	}
}

// aioctl GROUP --help lists the group's verbs, each with its arguments
// and summary (the lines of help GROUP, from the table), and an example
// of each; it said only "services verbs".
func TestGroupHelpListsItsVerbs(t *testing.T) {
	t.Setenv("AIOCTL_SOCKET", filepath.Join(t.TempDir(), "none.sock"))
	for _, first := range api.FirstWords() {
		subs := api.SubVerbs(first)
		if len(subs) == 0 {
			continue
		}
		if _, isVerb := api.LookupVerb(first); isVerb {
			continue // log: its own help, with log level under Available Commands
		}
		var out, errs strings.Builder
		if code := run([]string{first, "--help"}, strings.NewReader(""), &out, &errs); code != 0 {
			t.Fatalf("aioctl %s --help: exit %d %s", first, code, errs.String())
		}
		if !strings.Contains(out.String(), api.GroupHelp(first)) {
			t.Errorf("aioctl %s --help lacks the verbs' lines:\n%s", first, out.String())
		}
		for _, s := range subs {
			v, _ := api.LookupVerb(first + " " + s)
			if !strings.Contains(out.String(), "  aioctl "+v.Examples[0]+"\n") {
				t.Errorf("aioctl %s --help lacks an example of %s:\n%s", first, v.Name, out.String())
			}
		}
	}
}

// Every command of aioctl shows examples in its --help (shell had none).
// fleet's are its helper's to write (cmd/aioctl/fleet*.go).
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			if s.Hidden || s.Name() == "fleet" {
				continue
			}
			if s.Example == "" {
				t.Errorf("%s: no examples in its help", s.CommandPath())
			}
			walk(s)
		}
	}
	walk((&app{}).rootCommand())
}

// aioctl help X for an X that is no verb, group or command of aioctl's is
// a usage error with a did-you-mean (as help X in the shell), with a
// program running or not; it printed aioctl's whole help and exit 0, so
// a typo looked like an answer. A verb the program registered is found.
func TestCLIHelpUnknownTopic(t *testing.T) {
	aioctl := func(args ...string) (string, string, int) {
		var out, errs strings.Builder
		code := run(args, strings.NewReader(""), &out, &errs)
		return out.String(), errs.String(), code
	}
	cases := []struct {
		args   []string
		errOut string
	}{
		{[]string{"help", "stauts"}, `unknown verb "stauts": did you mean "stats" or "status"?`},
		{[]string{"help", "services lst"}, `did you mean "services list"?`},
		{[]string{"help", "services", "lst"}, `did you mean "services list"?`},
		{[]string{"help", "frobnicate"}, `unknown verb "frobnicate": try help`},
		{[]string{"help", "shel"}, `did you mean "shell"?`},
	}
	check := func(args []string, errOut string) {
		t.Helper()
		out, errs, code := aioctl(args...)
		if code != 2 || out != "" || !strings.Contains(errs, errOut) {
			t.Errorf("aioctl %q: exit %d\nstdout: %.200q\nstderr: %q\nwant exit 2, no stdout, %q", args, code, out, errs, errOut)
		}
	}
	t.Run("no program", func(t *testing.T) {
		t.Setenv("AIOCTL_SOCKET", filepath.Join(t.TempDir(), "none.sock"))
		for _, c := range cases {
			check(c.args, c.errOut)
		}
	})
	t.Run("program", func(t *testing.T) {
		p := startProgram(t, control.Config{})
		err := p.srv.Interp().Register(control.UserVerb{Name: "led", Summary: "light the LED",
			Run: control.Func(func(_ context.Context, a ledArgs) (ledArgs, error) { return a, nil })})
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("AIOCTL_SOCKET", p.sock)
		for _, c := range cases {
			check(c.args, c.errOut)
		}
		check([]string{"help", "ledd"}, `unknown verb "ledd": did you mean "led"?`)
		if out, errs, code := aioctl("help", "led"); code != 0 || !strings.Contains(out, "usage: led COLOR") {
			t.Errorf("aioctl help led: exit %d %q %q", code, out, errs)
		}
	})
}
