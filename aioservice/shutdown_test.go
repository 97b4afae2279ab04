package aioservice

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

// recorder is a service function that records its start and its stop.
func recorder(log *readyLog, name string, declaresReadiness bool) func(context.Context, struct{}) (string, error) {
	return func(ctx context.Context, _ struct{}) (string, error) {
		log.add("start " + name)
		if declaresReadiness {
			aioctl.Ready(ctx)
		}
		<-ctx.Done()
		log.add("stop " + name)
		return "", ctx.Err()
	}
}

// TestShutdownIsTheReverseOfBoot: net (core, stays running once ready) ←
// a ← b ← c boot in that order; Shutdown stops c, b, a, net, as the tasks
// record it.
func TestShutdownIsTheReverseOfBoot(t *testing.T) {
	log := &readyLog{}
	r := NewRegistry()
	r.MustRegister(Define("net", recorder(log, "net", true), struct{}{}, WithType(Core), WithReadiness(0)))
	r.MustRegister(Define("a", recorder(log, "a", true), struct{}{}, WithRequires("net"), WithReadiness(0)))
	r.MustRegister(Define("b", recorder(log, "b", true), struct{}{}, WithRequires("a"), WithReadiness(0)))
	r.MustRegister(Define("c", recorder(log, "c", true), struct{}{}, WithRequires("b"), WithReadiness(0)))
	m := NewManager(quietGroup(), r, WithOutput(&syncBuffer{}))
	defer m.Close(context.Background())
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(m.Boot(t.Context()), m.Init(t.Context())); err != nil {
		t.Fatal(err)
	}
	rep, err := m.Shutdown(t.Context())
	if err != nil || len(rep.NotStopped) != 0 {
		t.Fatalf("Shutdown: %v %+v", err, rep)
	}
	got := strings.Split(log.String(), " ")
	var starts, stops []string
	for i := 0; i+1 < len(got); i += 2 {
		if got[i] == "start" {
			starts = append(starts, got[i+1])
		} else {
			stops = append(stops, got[i+1])
		}
	}
	slices.Reverse(starts)
	if !slices.Equal(stops, starts) || len(stops) != 4 {
		t.Errorf("recorded %q: stops %v, want the reverse of the starts %v", log, stops, starts)
	}
	if want := []string{"c", "b", "a", "net"}; !slices.Equal(rep.Order, want) {
		t.Errorf("report order %v, want %v", rep.Order, want)
	}
}

// A WithStopLast service (the fleet device, which publishes the others'
// states) stops after all the others, core ones included, whatever its
// place in the boot.
func TestShutdownStopsAStopLastServiceLast(t *testing.T) {
	log := &readyLog{}
	r := NewRegistry()
	r.MustRegister(Define("net", recorder(log, "net", true), struct{}{}, WithType(Core), WithReadiness(0)))
	r.MustRegister(Define("a", recorder(log, "a", true), struct{}{}, WithRequires("net"), WithReadiness(0)))
	r.MustRegister(Define("mqtt", recorder(log, "mqtt", true), struct{}{}, WithRequires("a"), WithReadiness(0), WithStopLast()))
	r.MustRegister(Define("z", recorder(log, "z", true), struct{}{}, WithReadiness(0)))
	m := NewManager(quietGroup(), r, WithOutput(&syncBuffer{}))
	defer m.Close(context.Background())
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(m.Boot(t.Context()), m.Init(t.Context())); err != nil {
		t.Fatal(err)
	}
	rep, err := m.Shutdown(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Order) != 4 || rep.Order[3] != "mqtt" {
		t.Errorf("report order %v, want mqtt last", rep.Order)
	}
	if !strings.HasSuffix(log.String(), "stop mqtt") {
		t.Errorf("recorded %q: mqtt did not stop last", log)
	}
}

// TestShutdownReportsWhatDidNotStop: a service that ignores cancellation is
// left after its stop timeout, reported, and the shutdown goes on.
func TestShutdownReportsWhatDidNotStop(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	log := &readyLog{}
	release := make(chan struct{})
	r := NewRegistry()
	r.MustRegister(Define("first", recorder(log, "first", false), struct{}{}))
	r.MustRegister(Define("stuck", func(ctx context.Context, _ struct{}) (string, error) {
		<-release // ignores ctx
		return "", nil
	}, struct{}{}, WithRequires("first"), WithStopTimeout(3*time.Second)))
	g := quietGroup(aioctl.WithClock(fc))
	m := NewManager(g, r, WithOutput(&syncBuffer{}))
	defer func() {
		close(release) // stuck returns: Close then waits for nothing
		if tk, ok := g.Get("stuck.service"); ok && tk.Done() != nil {
			<-tk.Done()
		}
		m.Close(context.Background())
	}()
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := m.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep ShutdownReport
		err error
	}
	res := make(chan result, 1)
	go func() { rep, err := m.Shutdown(t.Context()); res <- result{rep, err} }()
	fc.WaitTimers(1, nil) // waiting for stuck
	fc.Advance(3 * time.Second)
	got := <-res
	if len(got.rep.NotStopped) != 1 || got.rep.NotStopped[0].Task != "stuck.service" ||
		!errors.Is(got.rep.NotStopped[0].Err, aioctl.ErrStopTimeout) {
		t.Fatalf("NotStopped = %+v, want stuck.service", got.rep.NotStopped)
	}
	if want := "stuck.service: did not stop within the stop timeout"; got.err == nil || got.err.Error() != want {
		t.Errorf("err = %v, want %q", got.err, want)
	}
	if !slices.Equal(got.rep.Order, []string{"stuck", "first"}) || log.String() != "start first stop first" {
		t.Errorf("order %v, recorded %q: the shutdown must go on after stuck", got.rep.Order, log)
	}
}
