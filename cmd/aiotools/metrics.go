package main

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control"
)

// metricsFlagUsage is the -metrics flag's help, shared by demo and run.
const metricsFlagUsage = "also serve Prometheus metrics at http://ADDR/metrics (loopback only, e.g. 127.0.0.1:9464); the control socket serves GET /metrics and /debug/vars in any case"

// startMetrics makes the program's Prometheus metrics over in and
// publishes its stats document as the expvar "aiotools"; mount adds GET
// /metrics and /debug/vars to the control server. When addr is set, it
// serves the metrics there too, for a scraper. stop undoes that.
func startMetrics(in *control.Interp, addr string) (mount func(*http.ServeMux), url string, stop func(context.Context) error, err error) {
	m := aiometrics.New(in)
	// expvar names are the process's: a second demo in one process (the
	// tests) keeps the first's, which is all expvar allows.
	_ = aiometrics.PublishStats("aiotools", in)
	mount = func(mux *http.ServeMux) {
		m.Mount(mux)
		aiometrics.MountExpvar(mux)
	}
	if addr == "" {
		return mount, "", func(context.Context) error { m.Close(); return nil }, nil
	}
	if err := checkMetricsAddr(addr); err != nil { // flagcheck.go; the command line checked it already
		m.Close()
		return nil, "", nil, err
	}
	l, err := m.Listen(aiometrics.ListenConfig{Addr: addr})
	if err != nil {
		m.Close()
		return nil, "", nil, fmt.Errorf("-metrics %q: %w", addr, err)
	}
	return mount, "http://" + l.Addr().String() + "/metrics", func(ctx context.Context) error {
		err := l.Close(ctx)
		m.Close()
		return err
	}, nil
}

// loopbackOf is addr with its host made 127.0.0.1: what to use instead.
func loopbackOf(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "9464"
	}
	return net.JoinHostPort("127.0.0.1", port)
}
