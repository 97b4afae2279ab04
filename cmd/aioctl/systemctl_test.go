package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// Issue 12: aioctl feels like systemctl (items 6, 10, 11, 12, 13, 14).

type check struct {
	args   []string
	out    string // in stdout
	errOut string // in stderr
	exit   int
}

func runChecks(t *testing.T, bin string, env []string, sock string, cases []check) {
	t.Helper()
	for _, c := range cases {
		o := runBin(t, bin, env, append([]string{"--socket", sock}, c.args...)...)
		if o.exit != c.exit || !strings.Contains(o.stdout, c.out) || !strings.Contains(o.stderr, c.errOut) {
			t.Errorf("aioctl %q: exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout with %q, stderr with %q",
				c.args, o.exit, c.exit, o.stdout, o.stderr, c.out, c.errOut)
		}
	}
}

// TestJSONIsNotHTMLEscapedAndErrorsAreJSON (item 6).
func TestJSONIsNotHTMLEscapedAndErrorsAreJSON(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	slog.New(p.ring.Handler(nil)).Info("redirect >&2 <x>")
	runChecks(t, bin, nil, p.sock, []check{
		{[]string{"-o", "json", "log", "redirect"}, `redirect >&2 <x>`, "", 0},
	})
	// Errors are JSON on stdout, with their code and exit status.
	for _, c := range []struct {
		args []string
		code api.Code
		exit int
	}{
		{[]string{"--socket", p.sock, "-o", "json", "status", "nosuch"}, api.CodeNotFound, 4},
		{[]string{"--socket", p.sock, "-o", "json", "stop", "a>b"}, api.CodeBadArgument, 2},
		{[]string{"--socket", p.sock, "-o", "json", "frobnicate"}, api.CodeUnknownVerb, 2},
		{[]string{"--socket", p.sock, "-o", "json", "stop"}, api.CodeBadArgument, 2},
		{[]string{"--socket", filepath.Join(t.TempDir(), "none.sock"), "-o", "json", "status"}, api.CodeNoProgram, 1},
	} {
		o := runBin(t, bin, nil, c.args...)
		var got api.Response
		if err := json.Unmarshal([]byte(o.stdout), &got); err != nil || got.Error == nil || got.Error.Code != c.code ||
			got.Exit != c.exit || o.exit != c.exit {
			t.Errorf("aioctl %q: exit %d, stdout %q (%v), stderr %q; want JSON error %s, exit %d", c.args, o.exit, o.stdout, err, o.stderr, c.code, c.exit)
		}
		if strings.Contains(o.stdout, `\u003e`) {
			t.Errorf("aioctl %q: HTML-escaped JSON %q", c.args, o.stdout)
		}
	}
}

// TestExitCodesAsSystemctl (item 10).
func TestExitCodesAsSystemctl(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	runChecks(t, bin, nil, p.sock, []check{
		{[]string{"services", "status", "nosuch"}, "", "not_found", 4},
		{[]string{"services", "lst"}, "", `did you mean "services list"?`, 2},
		{[]string{"services"}, "", "services needs one of: add, boot, config,", 2},
		{[]string{"frobnicate"}, "", "unknown", 2},
		{[]string{"statuss"}, "", `did you mean "status"?`, 2},
		{[]string{"shel"}, "", `did you mean "shell"?`, 2},
		{[]string{"stop", "blnk"}, "", "did you mean blink?", 4},
		{[]string{"status", "blink", "blnk"}, "● blink", "did you mean blink?", 4},
		{[]string{"log", "-t", "blnk"}, "", `no task "blnk": did you mean blink?`, 4},
		{[]string{"log", "-t", "blink"}, "LED toggled", "", 0},
		{[]string{"stop", "../x"}, "", "bad_argument", 2},
	})
}

// TestIsActiveNamesAndNoLines (item 11).
func TestIsActiveNamesAndNoLines(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	runChecks(t, bin, nil, p.sock, []check{
		{[]string{"is-active", "b*", "h*"}, "blink: active\nhello: active\nhello_1: active\n", "", 0},
		{[]string{"is-active", "blink"}, "active\n", "", 0},
		{[]string{"status", "blink", "-n", "1"}, "LED toggled", "", 0},
	})
	for _, args := range [][]string{{"status", "blink", "-n", "0"}, {"log", "-n", "0"}} {
		o := runBin(t, bin, nil, append([]string{"--socket", p.sock}, args...)...)
		if o.exit != 0 || strings.Contains(o.stdout, "LED") {
			t.Errorf("aioctl %q: exit %d, log lines with -n 0:\n%s%s", args, o.exit, o.stdout, o.stderr)
		}
	}
}

// TestFollowEndsWhenTheProgramStops (item 12): log -f ends with "program
// stopped" and exit 0 when the program goes away.
func TestFollowEndsWhenTheProgramStops(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--socket", p.sock, "log", "-f", "-n", "1", "LED")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	if l, err := r.ReadString('\n'); err != nil || !strings.Contains(l, "LED toggled") {
		t.Fatalf("replay: %q %v", l, err)
	}
	p.srv.Close()
	io.Copy(io.Discard, r)
	if err := cmd.Wait(); err != nil || !strings.Contains(stderr.String(), "program stopped") || strings.Contains(stderr.String(), "EOF") {
		t.Errorf("log -f when the program stops: %v, stderr %q", err, stderr.String())
	}
}

// staleSocket makes a socket file nobody listens on, as a program that
// was killed leaves it.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
}

// TestStaleSocketsAreSkippedAndNamed (item 12).
func TestStaleSocketsAreSkippedAndNamed(t *testing.T) {
	bin := buildAioctl(t)
	run := filepath.Join(t.TempDir(), "xdg")
	dir := filepath.Join(run, "aiotools")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(run, 0o700)
	stale := filepath.Join(dir, "dead.sock")
	staleSocket(t, stale)
	env := []string{"XDG_RUNTIME_DIR=" + run, "TMPDIR=" + t.TempDir(), "AIOCTL_SOCKET=", "AIOCTL_ADDR="}

	// Only a dead program's socket: no program running.
	o := runBin(t, bin, env, "status")
	if o.exit != 1 || !strings.Contains(o.stderr, "no program running") || !strings.Contains(o.stderr, stale) {
		t.Errorf("only a stale socket: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	// Given by name, it is called what it is.
	o = runBin(t, bin, env, "--socket", stale, "status")
	if o.exit != 1 || !strings.Contains(o.stderr, "no program is listening on "+stale+" (stale socket)") || strings.Contains(o.stderr, "dial unix") {
		t.Errorf("--socket stale: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	none := filepath.Join(dir, "none.sock")
	o = runBin(t, bin, env, "--socket", none, "status")
	if o.exit != 1 || !strings.Contains(o.stderr, "no socket at "+none) || strings.Contains(o.stderr, "dial unix") {
		t.Errorf("--socket missing: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
	// Beside a live program's socket, the stale one is not offered.
	startProgram(t, control.Config{Socket: filepath.Join(dir, "live.sock")})
	if o := runBin(t, bin, env, "is-active", "blink"); o.exit != 0 || o.stdout != "active\n" {
		t.Errorf("a live and a stale socket: exit %d %q %q", o.exit, o.stdout, o.stderr)
	}
}

// TestHelpTeaches (item 13): every verb's --help has a usage line, what it
// does, typed flags and two examples; a missing argument prints the usage.
func TestHelpTeaches(t *testing.T) {
	t.Setenv("AIOCTL_SOCKET", filepath.Join(t.TempDir(), "none.sock"))
	for _, v := range api.Verbs() {
		if v.Hidden {
			continue
		}
		var out, errs strings.Builder
		args := append(v.Words(), "--help")
		if code := run(args, strings.NewReader(""), &out, &errs); code != 0 {
			t.Errorf("aioctl %q: exit %d %s", args, code, errs.String())
		}
		h := out.String()
		if !strings.Contains(h, "Usage:\n  aioctl "+v.Name) || !strings.Contains(h, v.Summary) {
			t.Errorf("aioctl %q: no usage line or summary:\n%s", args, h)
		}
		_, ex, _ := strings.Cut(h, "Examples:\n")
		ex, _, _ = strings.Cut(ex, "\n\n")
		n := 0
		for _, l := range strings.Split(ex, "\n") {
			if strings.HasPrefix(l, "  aioctl ") && strings.Contains(l, v.Name) {
				n++
			}
		}
		if n < 2 {
			t.Errorf("aioctl %q: %d examples, want 2:\n%s", args, n, h)
		}
		for _, f := range v.Flags {
			if f.Value != "" && strings.Contains(h, "--"+f.Name+" string") && f.Type() != "string" {
				t.Errorf("aioctl %q: flag --%s shown as a string:\n%s", args, f.Name, h)
			}
		}
	}
	var out, errs strings.Builder
	run([]string{"status", "--help"}, strings.NewReader(""), &out, &errs)
	if !strings.Contains(out.String(), "-n, --lines int") {
		t.Errorf("status --help: -n is not an int:\n%s", out.String())
	}
	out.Reset()
	errs.Reset()
	if code := run([]string{"stop"}, strings.NewReader(""), &out, &errs); code != 2 || !strings.Contains(errs.String(), "usage: aioctl stop PATTERN...") {
		t.Errorf("stop without a pattern: exit %d %q", code, errs.String())
	}
}

// TestShellCompletion (item 13): the bash script works in a bare bash (no
// bash-completion package loaded); zsh's and fish's complete names too
// (checked where those shells are installed).
func TestShellCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	dir := filepath.Dir(bin)
	// complete prints what bash offers for the words (the last one being
	// completed), as pressing Tab would.
	script := `source <(aioctl completion bash)
compopt() { :; } # outside a real completion bash refuses it; the tmux part below is real
complete() {
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	__start_aioctl aioctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	echo "${COMPREPLY[*]}"
}
complete aioctl sta
complete aioctl stop bl
complete aioctl services get-`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "AIOCTL_SOCKET="+p.sock)
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "start stats status\nblink\nget-config\n" {
		t.Errorf("bash completion: %v\n%s", err, out)
	}
	// The same at a real bash prompt, Tab pressed.
	env := "env PATH=" + dir + ":" + os.Getenv("PATH") + " AIOCTL_SOCKET=" + p.sock + " "
	if tmux, err := exec.LookPath("tmux"); err == nil {
		rc := filepath.Join(t.TempDir(), "rc")
		os.WriteFile(rc, []byte("PS1='$ '\nsource <(aioctl completion bash)\n"), 0o600)
		s := newTmux(t, tmux, 120, 20, env+bash+" --noprofile --rcfile "+rc)
		s.WaitPrompt("$")
		s.Literal("aioctl stop bl")
		s.Keys("Tab")
		s.WaitPrompt("$ aioctl stop blink")
		s.Keys("C-u")
		s.Literal("aioctl services get-")
		s.Keys("Tab")
		s.WaitPrompt("$ aioctl services get-config")
	}
	for _, sh := range []string{"zsh", "fish"} {
		o := runBin(t, bin, nil, "completion", sh)
		if o.exit != 0 || !strings.Contains(o.stdout, "aioctl") {
			t.Errorf("completion %s: exit %d %q", sh, o.exit, o.stderr)
		}
		path, err := exec.LookPath(sh)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: ./test.sh installs it (scripts/install-test-tools.sh)", sh)
			}
			continue // not installed: the script is at least made
		}
		script := filepath.Join(t.TempDir(), "c."+sh)
		os.WriteFile(script, []byte(o.stdout), 0o600)
		if sh == "fish" {
			// fish says what it would offer for a command line.
			cmd := exec.Command(path, "--no-config", "-c", "source "+script+"; complete -C 'aioctl stop bl'")
			cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "AIOCTL_SOCKET="+p.sock)
			if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "blink" {
				t.Errorf("fish completion of \"aioctl stop bl\": %v\n%s", err, out)
			}
			continue
		}
		// zsh, as a user sets it up (compinit, then the script), Tab pressed.
		tmux, err := exec.LookPath("tmux")
		if err != nil {
			continue
		}
		rc := t.TempDir()
		os.WriteFile(filepath.Join(rc, ".zshrc"), []byte("PS1='$ '\nautoload -U compinit; compinit -u\nsource "+script+"\n"), 0o600)
		s := newTmux(t, tmux, 120, 20, env+"ZDOTDIR="+rc+" "+path)
		s.WaitPrompt("$")
		s.Literal("aioctl stop bl")
		s.Keys("Tab")
		s.WaitPrompt("$ aioctl stop blink")
	}
}

// TestShellWithoutTerminal (item 14): piped commands run without banner
// or prompts, and the exit status is the last command's, as sh's is.
func TestShellWithoutTerminal(t *testing.T) {
	bin := buildAioctl(t)
	p := startProgram(t, control.Config{})
	for _, c := range []struct {
		in   string
		exit int
	}{
		{"result answer\nstop blnk\n", 4},
		{"stop blnk\nresult answer\n", 0},
		{"result answer\nfrobnicate\n", 2},
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bin, "--socket", p.sock, "shell", "--history", "")
		cmd.Stdin = strings.NewReader(c.in)
		var so, se strings.Builder
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		cancel()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.exit || so.String() != "answer: 42\n" || strings.Contains(se.String(), "aioctl>") {
			t.Errorf("shell < %q: exit %d (want %d)\nstdout %q\nstderr %q", c.in, code, c.exit, so.String(), se.String())
		}
	}
}
