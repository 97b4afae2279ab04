package aioservice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// WithReadiness declares that the service tells when it is ready by
// calling aioctl.Ready(ctx) from its function (aioctl.WithReadiness on its
// main task). Boot and Init then start the services that require it only
// once it is ready, not as soon as it started; status shows it "starting"
// until then. When it is not ready within timeout (0: no limit), it counts
// as not up: the services that require it do not start, and say why
// ("requires db.service, which was not ready within 5s"). A core service
// that declares readiness is up once ready; it may go on running.
func WithReadiness(timeout time.Duration) Option {
	return WithTaskOptions(aioctl.WithReadiness(timeout))
}

// awaitReady waits, after the start of e's main task, until it is ready
// when it declares readiness. ok is false when it is not: o then says why.
func (m *Manager) awaitReady(ctx context.Context, e *entry, i int) (o outcome, ok bool) {
	if !e.task.DeclaresReadiness() {
		return outcome{}, true
	}
	err := e.task.WaitReady(ctx)
	if err == nil {
		return outcome{}, true
	}
	tn := TaskName(e.name)
	var te *aioctl.ReadyTimeoutError
	var nr *aioctl.NotReadyError
	switch {
	case errors.As(err, &te):
		why := "was not ready within " + te.Timeout.String()
		return outcome{i: i, reason: why, lines: []string{fmt.Sprintf("[ ERROR ] %s %s", tn, why)}}, false
	case errors.As(err, &nr) && e.task.Err() != nil:
		return outcome{i: i, reason: "failed before it was ready",
			lines: []string{fmt.Sprintf("[ ERROR ] %s failed before it was ready: Error: %s", tn, describe(e.task.Err()))}}, false
	case errors.As(err, &nr):
		return outcome{i: i, reason: "was " + nr.State.String() + " before it was ready",
			lines: []string{fmt.Sprintf("[ ERROR ] %s was %s before it was ready", tn, nr.State)}}, false
	}
	return outcome{i: i, reason: "was interrupted", lines: []string{fmt.Sprintf("[ ERROR ] %s: boot interrupted", tn)}}, false
}

// watchLate watches the group for late starts (late.go): state changes,
// and readiness, which is no state change: a service that requires one
// that declares readiness starts late once it is ready, not when it runs.
func (m *Manager) watchLate() (cancel func()) {
	unwatch := m.g.Watch(m.onEvent)
	unready := m.g.WatchReady(func(t *aioctl.Task) {
		m.onEvent(aioctl.Event{Task: t, Name: t.Name(), From: aioctl.Running, To: aioctl.Running, Cause: aioctl.CauseExit})
	})
	return func() { unwatch(); unready() }
}
