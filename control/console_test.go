package control_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// lineWriter delivers what Console writes, so the test can wait for text.
type lineWriter struct{ ch chan string }

func (w lineWriter) Write(b []byte) (int, error) { w.ch <- string(b); return len(b), nil }

func (w lineWriter) waitFor(t *testing.T, s string) string {
	t.Helper()
	var got strings.Builder
	for !strings.Contains(got.String(), s) {
		got.WriteString(<-w.ch)
	}
	return got.String()
}

func TestConsole(t *testing.T) {
	p := newProgram(t)
	inR, inW := io.Pipe()
	out := lineWriter{make(chan string, 1000)}
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- control.Console(ctx, inR, out, p.in) }()
	send := func(l string) {
		if _, err := io.WriteString(inW, l+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	out.waitFor(t, control.ConsolePrompt)
	send("status blink")
	out.waitFor(t, "● blink: status: running")
	send("stop nosuch")
	out.waitFor(t, "error (not_found): no task matches \"nosuch\"")
	send("log 'unterminated")
	out.waitFor(t, "error: unterminated")
	send("follow -n 1 LED")
	out.waitFor(t, "[blink] LED toggled") // the replayed line: the follow is attached
	p.in.Exec(ctx, []string{"restart", "blink"}, control.Options{})
	out.waitFor(t, "[blink] LED toggled")
	send("") // Enter ends the follow
	out.waitFor(t, control.ConsolePrompt)
	send("exit")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	inW.Close() // ends the reader goroutine
}

func TestConsoleEndsWithContextAndEOF(t *testing.T) {
	p := newProgram(t)
	ctx, cancel := context.WithCancel(ctxT(t))
	inR, inW := io.Pipe()
	out := lineWriter{make(chan string, 100)}
	done := make(chan error, 1)
	go func() { done <- control.Console(ctx, inR, out, p.in) }()
	out.waitFor(t, control.ConsolePrompt)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	inW.Close()
	// EOF ends it too.
	var b strings.Builder
	if err := control.Console(ctxT(t), strings.NewReader("result answer\n"), &b, p.in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "answer: 42") {
		t.Errorf("console output %q", b.String())
	}
}

// The line that ends a stream is a command like any other (in a script:
// "follow LED" then "status"); only an empty line (Enter) just ends it.
func TestConsoleLineAfterAStreamRuns(t *testing.T) {
	p := newProgram(t)
	var b strings.Builder
	if err := control.Console(ctxT(t), strings.NewReader("follow -n 1 LED\nresult answer\n"), &b, p.in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "answer: 42") {
		t.Errorf("the line after the stream did not run:\n%s", b.String())
	}
}
