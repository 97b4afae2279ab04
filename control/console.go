package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/internal/lineedit"
)

// ConsolePrompt is the prompt Console prints.
const ConsolePrompt = lineedit.Prompt

// Console is the in-program console (the seed's aiorepl task): it reads
// command lines from r, runs them with ip and writes the answers to w,
// until ctx ends, r reaches its end, or a line says exit or quit. A
// streaming command (follow, log -f) runs until the next line is entered,
// which then runs in its turn unless it is empty (Enter).
//
// Console reads r in a goroutine of its own, which ends at the next line
// or at the end of r after Console returns. Run it as a task:
//
//	aioctl.Add(g, func(ctx context.Context, _ struct{}) (any, error) {
//		return nil, control.Console(ctx, os.Stdin, os.Stdout, ip)
//	}, struct{}{}, aioctl.WithName("console"))
//
// ConsoleStdio runs the console on the program's own stdin: with line
// editing on a terminal, without prompts from a pipe.
func Console(ctx context.Context, r io.Reader, w io.Writer, ip *Interp) error {
	// A stream's lines are written from its goroutine while the loop
	// writes the follow hint and the next prompt: one write at a time.
	w = &lockedWriter{w: w}
	src := newScanSource(r, w, true)
	defer src.close()
	return console(ctx, src, w, ip)
}

// ConsoleStdio runs the console on the program's own stdin. When stdin
// and stdout are terminals it edits lines as `aioctl shell` does (the same
// keys, history for the session, Tab completion of verbs, flags and task
// and service names, Ctrl-C clears the line, Ctrl-D leaves) and a stream
// (follow, log -f) runs until Enter or Ctrl-C; otherwise it is Console
// reading os.Stdin without prompts (as sh reads a script: the answers
// alone are the output). Answers go to w; when w has a Flush(context.Context)
// error method (an aiolog.QueueWriter in front of stdout), it runs before
// each prompt, so that a prompt never comes before the answer above it.
//
// On a terminal, the line being read when ctx ends is abandoned: the
// terminal gets its mode back at once, and the goroutine reading it ends
// with the program.
func ConsoleStdio(ctx context.Context, w io.Writer, ip *Interp) error {
	if !lineedit.IsTerminal() {
		src := newScanSource(os.Stdin, w, false)
		defer src.close()
		return console(ctx, src, w, ip)
	}
	names := func(kind string) []string {
		nctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		res := ip.Exec(nctx, []string{"names", kind}, Options{})
		names, _ := res.Data.([]string)
		return names
	}
	src := newLinerSource(lineedit.New(names), w)
	defer src.close()
	return console(ctx, src, w, ip)
}

// lineSource is where the console's lines come from: read asks for a
// line after a prompt, and the answer (or io.EOF at the end, or
// lineedit.ErrAborted for a Ctrl-C) comes on lines; answered says it
// was taken. A read while one is unanswered only prompts again where that
// makes sense (a pipe), as a stream that ended by itself leaves one.
type lineSource interface {
	read(prompt string)
	lines() <-chan lineResult
	answered()
	close()
}

type lineResult struct {
	line string
	err  error
}

// scanSource reads lines from a reader as they come, whether asked or
// not (a line entered during a stream ends it); read writes the prompt,
// if prompts are wanted.
type scanSource struct {
	w       io.Writer
	prompts bool
	out     chan lineResult
	done    chan struct{}
}

func newScanSource(r io.Reader, w io.Writer, prompts bool) *scanSource {
	s := &scanSource{w: w, prompts: prompts, out: make(chan lineResult), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), MaxLineBytes+1)
		for sc.Scan() {
			select {
			case s.out <- lineResult{line: sc.Text()}:
			case <-s.done:
				return
			}
		}
		err := sc.Err()
		if err == nil {
			err = io.EOF
		}
		select {
		case s.out <- lineResult{err: err}:
		case <-s.done:
		}
	}()
	return s
}

func (s *scanSource) read(prompt string) {
	if s.prompts {
		io.WriteString(s.w, prompt)
	}
}

func (s *scanSource) lines() <-chan lineResult { return s.out }
func (s *scanSource) answered()                {}
func (s *scanSource) close()                   { close(s.done) }

// linerSource reads lines from the terminal with liner, one prompt per
// read, in a goroutine of its own (liner's Prompt cannot be cancelled).
type linerSource struct {
	ln      *lineedit.State
	waiting bool // a prompt is on the terminal, unanswered
	ask     chan string
	out     chan lineResult
	done    chan struct{}
}

func newLinerSource(ln *lineedit.State, w io.Writer) *linerSource {
	s := &linerSource{ln: ln, ask: make(chan string, 1), out: make(chan lineResult), done: make(chan struct{})}
	go func() {
		for {
			var prompt string
			select {
			case prompt = <-s.ask:
			case <-s.done:
				return
			}
			flush(w)
			line, err := ln.Prompt(prompt)
			if err == nil && strings.TrimSpace(line) != "" {
				ln.AppendHistory(line)
			}
			select {
			case s.out <- lineResult{line, err}:
			case <-s.done:
				return
			}
		}
	}()
	return s
}

func (s *linerSource) lines() <-chan lineResult { return s.out }
func (s *linerSource) answered()                { s.waiting = false }

func (s *linerSource) read(prompt string) {
	if !s.waiting {
		s.waiting = true
		s.ask <- prompt
	}
}
func (s *linerSource) close() { close(s.done); s.ln.Close() }

// flush waits (a second at most) for a queue in front of the terminal to
// write what it holds.
func flush(w io.Writer) {
	if f, ok := w.(interface{ Flush(context.Context) error }); ok {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = f.Flush(ctx)
	}
}

// console runs the lines of src with ip, writing the answers to w.
func console(ctx context.Context, src lineSource, w io.Writer, ip *Interp) error {
	// Without prompts (a pipe, a script) the output is the answers alone:
	// no hint for a person, no new line to leave a prompt's line.
	sc, ok := src.(*scanSource)
	quiet := ok && !sc.prompts
	newline := func() {
		if !quiet {
			io.WriteString(w, "\n")
		}
	}
	var next *lineResult // the line that ended a stream: the next command
	for {
		var r lineResult
		if next != nil {
			r, next = *next, nil
		} else {
			src.read(ConsolePrompt)
			select {
			case <-ctx.Done():
				newline()
				return nil
			case r = <-src.lines():
				src.answered()
			}
		}
		switch {
		case errors.Is(r.err, lineedit.ErrAborted):
			continue // Ctrl-C clears the line
		case r.err == io.EOF:
			newline()
			return nil
		case r.err != nil:
			return r.err
		}
		line := strings.TrimSpace(r.line)
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
		// A stream runs until the next line (or Ctrl-C, or the end of ctx
		// or of the input).
		sctx, cancel := context.WithCancel(ctx)
		serr := make(chan error, 1)
		go func() {
			serr <- ip.Stream(sctx, argv, func(e Event) error {
				_, err := io.WriteString(w, e.Text+"\n")
				return err
			})
		}()
		if !quiet {
			io.WriteString(w, "(following: press Enter to stop)\n")
		}
		src.read("")
		more, got := true, false
		select {
		case err = <-serr:
			got = true
		case r = <-src.lines():
			src.answered()
			more = r.err == nil || errors.Is(r.err, lineedit.ErrAborted)
			if r.err == nil && strings.TrimSpace(r.line) != "" {
				next = &r // a command, not just Enter: it runs too
			}
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

// lockedWriter lets goroutines share a writer, one Write at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
