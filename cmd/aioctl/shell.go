package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/peterh/liner"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/lineedit"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

func (a *app) shellCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "interactive shell: the same verbs, with history, line editing and completion",
		Long: `An interactive shell with the same verbs as aioctl. Tab completes verbs and
task and service names (fetched from the program); Up/Down and Ctrl-R walk the
history, which is kept in --history. "help" lists the verbs, "exit" or Ctrl-D
leaves. Ctrl-C stops a follow. With a stdin that is no terminal it reads
commands as sh reads a script: no prompts, # comments, and the exit status
of the last command.`,
		Example: `  aioctl shell                                  # then: status, stop blink, help add, log -f, exit
  printf 'stop blink\nstatus blink\n' | aioctl shell   # a script: the last command's exit status
  aioctl shell < steps.txt                      # the same from a file, # comments allowed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.shell() },
	}
	cmd.Flags().StringVar(&a.history, "history", defaultHistory(), "history file")
	return cmd
}

func defaultHistory() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "aioctl", "history")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "aioctl", "history")
	}
	return ""
}

// completer fetches task and service names from the program for
// lineedit's completion, and keeps them for 2 s.
type completer struct {
	a     *app
	mu    sync.Mutex
	cache map[string][]string
	when  map[string]time.Time
}

func (c *completer) names(kind string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.when[kind]; ok && time.Since(t) < 2*time.Second {
		return c.cache[kind]
	}
	cl, err := c.a.client()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	names, err := cl.Names(ctx, kind)
	if err != nil {
		return nil
	}
	c.cache[kind], c.when[kind] = names, time.Now()
	return names
}

func (a *app) shell() error {
	cl, err := a.client()
	if err != nil {
		return err
	}
	ctx := context.Background()
	// Check the program is there before showing a prompt.
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err = cl.Names(pctx, "tasks")
	cancel()
	if err != nil {
		return fmt.Errorf("cannot reach the program: %w", err)
	}
	if f, ok := a.stdin.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return a.shellScript(ctx)
	}
	a.interactive = true

	// The line editing and completion are the in-program console's too.
	comp := &completer{a: a, cache: map[string][]string{}, when: map[string]time.Time{}}
	ln := lineedit.New(comp.names)
	defer ln.Close()
	if a.history != "" {
		if f, err := os.Open(a.history); err == nil {
			ln.ReadHistory(f)
			f.Close()
		}
	}
	saveHistory := func() {
		if a.history == "" {
			return
		}
		if err := os.MkdirAll(filepath.Dir(a.history), 0o700); err != nil {
			return
		}
		tmp := a.history + ".tmp"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return
		}
		_, werr := ln.WriteHistory(f)
		if cerr := f.Close(); werr == nil && cerr == nil {
			os.Rename(tmp, a.history)
		} else {
			os.Remove(tmp)
		}
	}
	fmt.Fprintln(a.stdout, `aioctl shell: "help" lists the verbs, Tab completes, "exit" or Ctrl-D leaves.`)
	for {
		line, err := ln.Prompt("aioctl> ")
		if errors.Is(err, liner.ErrPromptAborted) {
			continue
		}
		if err == io.EOF {
			fmt.Fprintln(a.stdout)
			return nil
		}
		if err != nil {
			return err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		ln.AppendHistory(line)
		saveHistory()
		if line == "exit" || line == "quit" {
			return nil
		}
		a.exit = a.shellLine(ctx, line)
	}
}

// shellScript runs the commands of a stdin that is no terminal (a pipe,
// a file), one a line, as sh reads a script: no banner, no prompts, blank
// lines and # comments skipped; the exit status is the last command's.
func (a *app) shellScript(ctx context.Context) error {
	sc := bufio.NewScanner(a.stdin)
	sc.Buffer(make([]byte, 0, 4096), api.MaxLineBytes+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if line == "exit" || line == "quit" {
			return nil
		}
		a.exit = a.shellLine(ctx, line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading commands: %w", err)
	}
	return nil
}

// shellLine runs one line of the shell, prints the answer and returns
// its exit status (as aioctl VERB would exit).
func (a *app) shellLine(ctx context.Context, line string) int {
	argv, err := api.ParseLine(line)
	if err != nil {
		fmt.Fprintln(a.stderr, "error:", termsafe.String(err.Error()))
		return api.ExitUsage
	}
	sctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	resp, err := a.cl.Exec(sctx, argv, api.Options{JSON: a.output == "json", Color: a.color()})
	if resp != nil && resp.Error != nil && resp.Error.Code == api.CodeStreamOnly {
		if a.interactive {
			fmt.Fprintln(a.stdout, "(following: Ctrl-C stops)")
		}
		if err := a.stream(argv); err != nil {
			fmt.Fprintln(a.stderr, "error:", termsafe.String(err.Error()))
			var ae *api.Error
			if errors.As(err, &ae) {
				return api.ExitFor(ae.Code)
			}
			return api.ExitFailure
		}
		return api.ExitOK
	}
	if resp == nil {
		fmt.Fprintln(a.stderr, "error:", termsafe.String(err.Error()))
		return api.ExitFailure
	}
	return a.answer(resp, "error (%s): %s\n")
}
