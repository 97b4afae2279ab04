package aiometrics_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiometrics"
)

func TestListenServesLoopbackAndChecksTheToken(t *testing.T) {
	p := newProgram(t)
	hc := &http.Client{Timeout: 10 * time.Second}
	defer hc.CloseIdleConnections()

	l, err := p.m.Listen(aiometrics.ListenConfig{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, hc, "http://"+l.Addr().String()+"/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", code, body)
	}
	scrape(t, body)
	if code, _ := get(t, hc, "http://"+l.Addr().String()+"/v1/exec", ""); code != http.StatusNotFound {
		t.Errorf("GET /v1/exec on the metrics port: %d, want 404 (only /metrics is there)", code)
	}
	if err := l.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	const token = "0123456789abcdef0123"
	l, err = p.m.Listen(aiometrics.ListenConfig{Addr: "127.0.0.1:0", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(t.Context())
	url := "http://" + l.Addr().String() + "/metrics"
	if code, _ := get(t, hc, url, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := get(t, hc, url, token+"x"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code, body := get(t, hc, url, token); code != http.StatusOK || !strings.Contains(string(body), "aiotools_tasks") {
		t.Errorf("token: %d %.200s", code, body)
	}
}

func TestListenRefusesANetworkWithoutTokenAndTLS(t *testing.T) {
	p := newProgram(t)
	for _, cfg := range []aiometrics.ListenConfig{
		{Addr: ":9464"},
		{Addr: "0.0.0.0:0", Token: "0123456789abcdef0123"}, // a token in clear text
	} {
		if _, err := p.m.Listen(cfg); !errors.Is(err, aiometrics.ErrNotLoopback) {
			t.Errorf("Listen(%+v) = %v, want ErrNotLoopback", cfg, err)
		}
	}
	if _, err := p.m.Listen(aiometrics.ListenConfig{Addr: "127.0.0.1:0", Token: "short"}); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("short token: %v", err)
	}
	if _, err := p.m.Listen(aiometrics.ListenConfig{Addr: "nonsense"}); err == nil || !strings.Contains(err.Error(), `"nonsense"`) {
		t.Errorf("bad address: %v", err)
	}
}
