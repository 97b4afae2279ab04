package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

var metricsURLRE = regexp.MustCompile(`metrics: (http://127\.0\.0\.1:\d+/metrics)`)

// aiotools demo -metrics 127.0.0.1:0 serves the demo's metrics on a port
// of their own, the task states and the Go runtime among them.
func TestDemoServesMetrics(t *testing.T) {
	var body string
	hc := &http.Client{Timeout: 5 * time.Second}
	defer hc.CloseIdleConnections()
	runUntilFunc(t, demoConfig{Every: time.Second, MetricsAddr: "127.0.0.1:0"}, func(out string) bool {
		m := metricsURLRE.FindStringSubmatch(out)
		if m == nil || body != "" {
			return body != ""
		}
		resp, err := hc.Get(m[1])
		if err != nil {
			t.Errorf("GET %s: %v", m[1], err)
			body = "failed"
			return true
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		// The control socket serves the stats three ways.
		uc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", demoControlSocket)
			}}}
		defer uc.CloseIdleConnections()
		for path, want := range map[string]string{"/metrics": "aiotools_tasks", "/debug/vars": `"aiotools": {`, "/stats": `"goroutines":`} {
			resp, err := uc.Get("http://demo" + path)
			if err != nil {
				t.Errorf("GET %s on the socket: %v", path, err)
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
				t.Errorf("GET %s on the socket: %d, no %q in %.300s", path, resp.StatusCode, want, b)
			}
		}
		return true
	})
	for _, want := range []string{`aiotools_tasks{state="running"}`, "aiotools_log_used_bytes", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%.2000s", want, body)
		}
	}
}

func TestMetricsFlagRefusesBeyondLoopback(t *testing.T) {
	g := aioctl.NewGroup()
	defer g.Close(t.Context())
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := startMetrics(in, "0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), `-metrics "0.0.0.0:0"`) || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("startMetrics(0.0.0.0:0): %v, want a refusal naming the flag and loopback", err)
	}
	// The binaries have no flag for a metrics token or TLS: the refusal
	// says what works instead of asking for them.
	_, _, _, err = startMetrics(in, ":9464")
	if err == nil || strings.Contains(err.Error(), "needs both a token and TLS") || !strings.Contains(err.Error(), "127.0.0.1:9464") {
		t.Fatalf("startMetrics(:9464): %v, want the loopback address to use", err)
	}
}
