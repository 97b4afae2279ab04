package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// aioctlIn runs aioctl in this process against p, as a user would type it.
func aioctlIn(t *testing.T, p *program, args ...string) outcome {
	t.Helper()
	t.Setenv("AIOCTL_SOCKET", p.sock)
	var out, errs strings.Builder
	code := run(args, strings.NewReader(""), &out, &errs)
	return outcome{out.String(), errs.String(), code}
}

// status debug blink reads debug as the flag word, as status blink debug
// does (it looked for a task named debug: exit 4).
func TestStatusTakesTheDebugWordFirst(t *testing.T) {
	p := startProgram(t, control.Config{})
	for _, args := range [][]string{{"status", "debug", "blink"}, {"status", "blink", "debug"}} {
		o := aioctlIn(t, p, args...)
		if o.exit != 0 || !strings.Contains(o.stdout, "● blink: status: running") || !strings.Contains(o.stdout, `args: {"pin":2}`) {
			t.Errorf("aioctl %q: exit %d\n%s%s", args, o.exit, o.stdout, o.stderr)
		}
	}
}

// A usage error exits 2, as the contract says (README, aioctl --help):
// an --output aioctl does not know exited 1, as a failure; a negative
// line count is refused naming the flag (log -n -5 printed every line).
func TestUsageErrorsExit2(t *testing.T) {
	p := startProgram(t, control.Config{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "yaml", "status"}, `--output must be text or json, got "yaml"`},
		{[]string{"--output=yaml", "help"}, `--output must be text or json, got "yaml"`},
		{[]string{"log", "-n", "-5"}, `--lines: want a count of 0 or more, got "-5"`},
		{[]string{"follow", "-n", "-1"}, `--lines: want a count of 0 or more, got "-1"`},
		{[]string{"log", "-f", "--lines=-2"}, `--lines: want a count of 0 or more, got "-2"`},
		// It was pflag's "unknown shorthand flag: '1' in -1".
		{[]string{"schedule", "next", "blink", "-1"}, `"-1" is read as a flag (it starts with -): no argument here takes a negative number`},
		// --socket "$S" with S unset ran on the program aioctl found by itself.
		{[]string{"--socket", "", "stop", "*"}, "--socket: empty path"},
		{[]string{"--addr=", "status"}, "--addr: empty address"},
		// It was "no answer from the broker: context deadline exceeded", exit 1.
		{[]string{"--fleet-timeout", "0", "--broker", "mqtt://127.0.0.1:1", "fleet", "ls"}, `--fleet-timeout: want a time above 0, got 0s`},
		// A broker URL aioctl cannot use exited 1, as a broker that is down.
		{[]string{"--broker", "ftp://x", "fleet", "ls"}, `scheme "ftp": want one of mqtt`},
		{[]string{"--broker", "127.0.0.1:1883", "--device", "d", "status"}, `want a URL like mqtt://host:1883`},
		// A port out of range exited 1, as a broker that is down.
		{[]string{"--broker", "mqtt://127.0.0.1:99999", "fleet", "ls"}, `port "99999": want a number from 1 to 65535`},
		{[]string{"--fleet-timeout=-1s", "--broker", "mqtt://127.0.0.1:1", "--device", "d", "status"}, `--fleet-timeout: want a time above 0, got -1s`},
	} {
		o := aioctlIn(t, p, tc.args...)
		if o.exit != 2 || !strings.Contains(o.stderr, tc.want) {
			t.Errorf("aioctl %q: exit %d, want 2 and %q\n%s%s", tc.args, o.exit, tc.want, o.stdout, o.stderr)
		}
	}
}

// Words after -- go to the program as typed (README, the flag error's
// hint), built-in verbs too: aioctl -- status blink said `unknown command
// "status": did you mean "status"?`. An empty verb is unknown, not close
// to every command.
func TestWordsAfterDashDashRunAsTyped(t *testing.T) {
	p := startProgram(t, control.Config{})
	for _, tc := range []struct {
		args      []string
		exit      int
		out, errs string
	}{
		{[]string{"--", "status", "blink"}, 0, "● blink: status: running", ""},
		{[]string{"--", "status", "-n", "0", "debug", "blink"}, 0, `args: {"pin":2}`, ""},
		{[]string{"--", "stop", "nosuch"}, 4, "", `no task matches "nosuch"`},
		{[]string{"--", "status", "--bogus"}, 2, "", "--bogus"},
		{[]string{""}, 2, "", `unknown verb "": try help`},
	} {
		o := aioctlIn(t, p, tc.args...)
		if o.exit != tc.exit || !strings.Contains(o.stdout, tc.out) || !strings.Contains(o.stderr, tc.errs) || strings.Contains(o.stderr, "did you mean") {
			t.Errorf("aioctl %q: exit %d, want %d, %q, %q\nstdout: %s\nstderr: %s", tc.args, o.exit, tc.exit, tc.out, tc.errs, o.stdout, o.stderr)
		}
	}
}

// A wrong number of arguments to one of aioctl's own commands is a usage
// error (exit 2, the usage line; bad_argument with -o json): it exited 1,
// "internal" in JSON.
func TestOwnCommandsArgCountIsAUsageError(t *testing.T) {
	p := startProgram(t, control.Config{})
	for _, args := range [][]string{{"completion"}, {"completion", "bash", "zsh"}, {"shell", "extra"}, {"top", "a"}, {"fleet", "ls", "x", "y"}} {
		o := aioctlIn(t, p, args...)
		if o.exit != 2 || !strings.Contains(o.stderr, "usage: aioctl "+args[0]) {
			t.Errorf("aioctl %q: exit %d, want 2 and the usage line\nstderr: %s", args, o.exit, o.stderr)
		}
		o = aioctlIn(t, p, append([]string{"-o", "json"}, args...)...)
		if o.exit != 2 || !strings.Contains(o.stdout, `"code": "bad_argument"`) {
			t.Errorf("aioctl -o json %q: exit %d, want 2 and bad_argument\nstdout: %s", args, o.exit, o.stdout)
		}
	}
}

// A word that is no command of a group is a usage error (exit 2, with
// the group's commands or a did-you-mean), as `services lst` is, for
// every command that has commands under it: `fleet bogus` printed the
// fleet help and exited 0. A group alone is a usage error too, as
// `services` alone is.
func TestEveryGroupRefusesAnUnknownCommand(t *testing.T) {
	p := startProgram(t, control.Config{})
	var groups [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			// log is a verb too (log GREP) besides the group of log level.
			if _, verb := api.LookupVerb(sub.Name()); sub.HasSubCommands() && !verb {
				groups = append(groups, append(append([]string{}, path...), sub.Name()))
				walk(sub, append(path, sub.Name()))
			}
		}
	}
	walk((&app{}).rootCommand(), nil)
	if len(groups) < 3 {
		t.Fatalf("groups %q: want fleet, services, schedule and more", groups)
	}
	for _, g := range groups {
		name := strings.Join(g, " ")
		for _, tc := range []struct {
			words []string
			want  string
		}{
			{[]string{"bogus"}, ` "` + name + ` bogus": ` + name + " takes one of: "}, // unknown verb (the table's groups) or command (aioctl's own)
			{nil, name + " needs one of: "},
		} {
			args := append(append([]string{}, g...), tc.words...)
			o := aioctlIn(t, p, args...)
			if o.exit != 2 || !strings.Contains(o.stderr, tc.want) || o.stdout != "" {
				t.Errorf("aioctl %q: exit %d, want 2 and %q\nstdout: %s\nstderr: %s", args, o.exit, tc.want, o.stdout, o.stderr)
			}
		}
	}
	o := aioctlIn(t, p, "fleet", "lss")
	if want := `unknown command "fleet lss": did you mean "fleet ls"?`; o.exit != 2 || !strings.Contains(o.stderr, want) {
		t.Errorf("aioctl fleet lss: exit %d, want 2 and %q\nstderr: %s", o.exit, want, o.stderr)
	}
	o = aioctlIn(t, p, "-o", "json", "fleet", "bogus")
	if o.exit != 2 || !strings.Contains(o.stdout, `"code": "unknown_verb"`) {
		t.Errorf("aioctl -o json fleet bogus: exit %d, want 2 and unknown_verb\nstdout: %s", o.exit, o.stdout)
	}
}

// aioctlEnv runs aioctl in this process with env set (and nothing else of
// the control variables), as a user would type it.
func aioctlEnv(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	for _, k := range []string{"AIOCTL_SOCKET", "AIOCTL_ADDR", "AIOCTL_TOKEN", "AIOTOOLS_SOCKET"} {
		t.Setenv(k, env[k])
	}
	var out, errs strings.Builder
	code := run(args, strings.NewReader(""), &out, &errs)
	return outcome{out.String(), errs.String(), code}
}

// Connection errors say what is wrong: a --socket that is a file or a
// directory read as a stale socket; --addr with $AIOCTL_SOCKET set said
// "give --socket or --addr, not both" (a flag beats the environment);
// --addr nonsense was dialled (a DNS error, exit 1).
func TestConnectionErrorsSayWhatIsWrong(t *testing.T) {
	const token = "flag-beats-env-token-0123456789"
	p := startProgram(t, control.Config{Addr: "127.0.0.1:0", Token: token})
	addr := p.srv.Addr().String()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(dir, "none.sock")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		exit int
		want string // in stderr; "" for "active" on stdout
	}{
		{nil, []string{"--socket", file, "status"}, 1, file + " is a regular file, not a socket"},
		{nil, []string{"--socket", dir, "status"}, 1, dir + " is a directory, not a socket"},
		// A flag beats the environment.
		{map[string]string{"AIOCTL_SOCKET": none, "AIOCTL_TOKEN": token}, []string{"--addr", addr, "is-active", "blink"}, 0, ""},
		{map[string]string{"AIOCTL_ADDR": "127.0.0.1:1"}, []string{"--socket", p.sock, "is-active", "blink"}, 0, ""},
		{nil, []string{"--socket", p.sock, "--addr", addr, "status"}, 2, "give --socket or --addr, not both"},
		{map[string]string{"AIOCTL_SOCKET": p.sock, "AIOCTL_ADDR": addr}, []string{"status"}, 2,
			"$AIOCTL_SOCKET and $AIOCTL_ADDR are both set: give --socket or --addr, or unset one"},
		{nil, []string{"--addr", "nonsense", "status"}, 2, `--addr: want HOST:PORT, got "nonsense"`},
		{nil, []string{"--addr", "127.0.0.1:99999", "status"}, 2, `--addr: want HOST:PORT, got "127.0.0.1:99999"`},
		{map[string]string{"AIOCTL_ADDR": "nonsense"}, []string{"status"}, 2, `$AIOCTL_ADDR: want HOST:PORT, got "nonsense"`},
	} {
		o := aioctlEnv(t, tc.env, tc.args...)
		ok := o.exit == tc.exit && strings.Contains(o.stderr, tc.want)
		if tc.want == "" {
			ok = o.exit == 0 && o.stdout == "active\n"
		}
		if !ok {
			t.Errorf("%v aioctl %q: exit %d, want %d and %q\nstdout: %s\nstderr: %s", tc.env, tc.args, o.exit, tc.exit, tc.want, o.stdout, o.stderr)
		}
	}
}
