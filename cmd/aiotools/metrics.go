package main

import (
	"context"
	"fmt"

	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control"
)

// metricsFlagUsage is the -metrics flag's help, shared by demo and run.
const metricsFlagUsage = "also serve Prometheus metrics at http://ADDR/metrics (loopback only, e.g. 127.0.0.1:9464); the control socket serves GET /metrics in any case"

// startMetrics makes the program's Prometheus metrics over in (the
// control server mounts them at /metrics) and, when addr is set, serves
// them there too, for a scraper. stop undoes both.
func startMetrics(in *control.Interp, addr string) (m *aiometrics.Metrics, url string, stop func(context.Context) error, err error) {
	m = aiometrics.New(in)
	if addr == "" {
		return m, "", func(context.Context) error { m.Close(); return nil }, nil
	}
	l, err := m.Listen(aiometrics.ListenConfig{Addr: addr})
	if err != nil {
		m.Close()
		return nil, "", nil, fmt.Errorf("-metrics %s: %w", addr, err)
	}
	return m, "http://" + l.Addr().String() + "/metrics", func(ctx context.Context) error {
		err := l.Close(ctx)
		m.Close()
		return err
	}, nil
}
