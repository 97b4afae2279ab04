package main

import (
	"io"
	"os"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/internal/termsafe"
	"golang.org/x/term"
)

// consoleWriters says where `demo -console` and `run -console` print. The
// answers go to stdout. What tells a person what the program does (the
// boot lines, the banner, the shutdown) goes there too when stdin and
// stdout are terminals, and to stderr otherwise: a console fed from a pipe
// or a script has the answers alone on stdout, for a program to read.
func consoleWriters(stdout, stderr io.Writer) (answers, diag io.Writer) {
	if term.IsTerminal(int(os.Stdin.Fd())) && terminalSize(stdout) != nil {
		return stdout, stdout
	}
	return stdout, stderr
}

// consoleBanner is the text that introduces the in-program console, in
// lines that fit screenWidth; task is a task of this program that its
// example stops ("": no such example), grep what its log example follows.
func consoleBanner(program, task, grep string) string {
	follow := "log -f"
	if grep != "" {
		follow += " " + termsafe.String(grep)
	}
	examples := "status, " + follow
	if task != "" {
		examples = "status, stop " + termsafe.String(task) + ", " + follow
	}
	return strings.TrimSuffix(wrapAll("", program+`: console: aioctl's verbs ("help" lists them), such as`,
		"  "+examples+`   ("exit" or Ctrl-D stops the program)`), "\n")
}

// exampleTask is the task the console's banner suggests stopping: the
// first of the group's tasks that is not the watcher (which every `run`
// has), else the watcher, else none.
func exampleTask(g *aioctl.Group) string {
	tasks, _ := g.Find()
	for _, t := range tasks {
		if t.Name() != "watcher.service" {
			return t.Name()
		}
	}
	if len(tasks) > 0 {
		return tasks[0].Name()
	}
	return ""
}

// answersEcho is the echo the console's answers go through: the program's
// echo (of out) when answers is nil or out itself, so that answers and
// other lines keep their order; else one of its own, which the caller
// flushes.
func answersEcho(answers, out io.Writer, echo *aiolog.QueueWriter) (q *aiolog.QueueWriter, own bool) {
	if answers == nil || answers == out {
		return echo, false
	}
	return newEcho(answers), true
}
