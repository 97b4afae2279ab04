package control

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// ConsolePrompt is the prompt Console prints.
const ConsolePrompt = "aioctl> "

// Console is the in-program console (the seed's aiorepl task): it reads
// command lines from r, runs them with ip and writes the answers to w,
// until ctx ends, r reaches its end, or a line says exit or quit. A
// streaming command (follow, log -f) runs until the next line is entered.
//
// Console reads r in a goroutine of its own, which ends at the next line
// or at the end of r after Console returns. Run it as a task:
//
//	aioctl.Add(g, func(ctx context.Context, _ struct{}) (any, error) {
//		return nil, control.Console(ctx, os.Stdin, os.Stdout, ip)
//	}, struct{}{}, aioctl.WithName("console"))
func Console(ctx context.Context, r io.Reader, w io.Writer, ip *Interp) error {
	lines := make(chan string)
	done := make(chan struct{})
	defer close(done)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), MaxLineBytes+1)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done:
				return
			}
		}
		readErr <- sc.Err()
	}()
	next := func() (string, bool, error) {
		select {
		case <-ctx.Done():
			return "", false, nil
		case l, ok := <-lines:
			if !ok {
				select {
				case err := <-readErr:
					return "", false, err
				default:
					return "", false, nil
				}
			}
			return l, true, nil
		}
	}
	for {
		io.WriteString(w, ConsolePrompt)
		line, ok, err := next()
		if !ok {
			io.WriteString(w, "\n")
			return err
		}
		line = strings.TrimSpace(line)
		switch line {
		case "":
			continue
		case "exit", "quit":
			return nil
		}
		argv, err := ParseLine(line)
		if err != nil {
			fmt.Fprintln(w, "error:", esc(err.Error()))
			continue
		}
		if !ip.IsStream(argv) {
			res := ip.Exec(ctx, argv, Options{})
			io.WriteString(w, res.Text)
			if res.Err != nil {
				fmt.Fprintf(w, "error (%s): %s\n", res.Err.Code, res.Err.Message)
			}
			continue
		}
		// A stream runs until the next line (or the end of ctx or r).
		sctx, cancel := context.WithCancel(ctx)
		serr := make(chan error, 1)
		go func() {
			serr <- ip.Stream(sctx, argv, func(e Event) error {
				_, err := io.WriteString(w, e.Text+"\n")
				return err
			})
		}()
		io.WriteString(w, "(following: press Enter to stop)\n")
		more, got := true, false
		select {
		case err = <-serr:
			got = true
		case _, more = <-lines:
		case <-ctx.Done():
			more = false
		}
		cancel()
		if !got {
			err = <-serr
		}
		if err != nil {
			fmt.Fprintf(w, "error (%s): %s\n", CodeOf(err), esc(err.Error()))
		}
		if !more {
			return nil
		}
	}
}
