package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// ErrNotStopped is the error of a run whose shutdown left tasks running
// after their stop timeout: the process exits with status 1.
var ErrNotStopped = errors.New("not everything stopped")

// gracefulStop is the shutdown on SIGTERM or SIGINT: the services in the
// reverse of their boot order (aioservice.Manager.Shutdown), then the
// group's other tasks, each within its stop timeout. It prints one line
// per task that did not stop or whose command was killed, and returns an
// error naming them (the exit status is then 1), or nil. With no manager
// (the demo's services failed to set up) it stops the group's tasks alone.
func gracefulStop(ctx context.Context, out io.Writer, m *aioservice.Manager, g *aioctl.Group) error {
	var rep aioservice.ShutdownReport
	if m != nil {
		rep, _ = m.Shutdown(ctx)
	}
	var left []string
	for _, ns := range rep.NotStopped {
		left = append(left, ns.Task)
		fmt.Fprintf(out, "shutdown: %s did not stop: %s\n", termsafe.Text(ns.Task), termsafe.Text(ns.Err.Error()))
	}
	for _, k := range rep.Killed {
		left = append(left, k)
		fmt.Fprintf(out, "shutdown: %s was killed (SIGKILL after its stop timeout)\n", termsafe.Text(k))
	}
	var rest []string // what is not a service's, or did stop
	all, _ := g.Find()
	for _, t := range all {
		if !containsString(left, t.Name()) {
			rest = append(rest, t.Name())
		}
	}
	var err error
	if len(rest) > 0 {
		_, err = g.Stop(ctx, rest...)
	}
	for _, te := range joinedTaskErrors(err) {
		if !containsString(left, te.Task) {
			left = append(left, te.Task)
			fmt.Fprintf(out, "shutdown: %s did not stop: %s\n", termsafe.Text(te.Task), termsafe.Text(te.Err.Error()))
		}
	}
	if len(left) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNotStopped, strings.Join(left, ", "))
}

func joinedTaskErrors(err error) []*aioctl.TaskError {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*aioctl.TaskError
		for _, e := range j.Unwrap() {
			out = append(out, joinedTaskErrors(e)...)
		}
		return out
	}
	var te *aioctl.TaskError
	if errors.As(err, &te) {
		return []*aioctl.TaskError{te}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
