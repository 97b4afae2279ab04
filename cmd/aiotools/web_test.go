//go:build !aiotools_noweb

package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
)

// The demo serves the dashboard on loopback and prints its address; the
// address opens it (token for cookie), and the page lists the demo's tasks.
func TestDemoDashboard(t *testing.T) {
	w := &watchWriter{want: []string{"http://127.0.0.1:", "status every"}, ready: make(chan struct{})}
	old := demoControlSocket
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	demoControlSocket = filepath.Join(dir, "demo.sock")
	defer func() { demoControlSocket = old }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- runDemo(ctx, demoConfig{Every: time.Hour, Out: w, Web: "127.0.0.1:0"}) }()
	select {
	case <-w.ready:
	case err := <-errc:
		t.Fatalf("demo ended early: %v\n%s", err, w.String())
	case <-time.After(20 * time.Second):
		cancel()
		<-errc
		t.Fatalf("demo printed no dashboard address:\n%s", w.String())
	}
	u := regexp.MustCompile(`dashboard:\s+(http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{64})\n`).FindStringSubmatch(w.String())
	if u == nil {
		t.Fatalf("no dashboard address in:\n%s", w.String())
	}
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second}
	resp, err := c.Get(u[1]) // follows the redirect, with the cookie
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.RawQuery != "" || !strings.Contains(string(body), `data-name="blink"`) {
		t.Errorf("dashboard: %s at %s\n%s", resp.Status, resp.Request.URL, body)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("demo: %v", err)
	}
}

// -web with an address that is not loopback, or no HOST:PORT, is refused
// naming the flag and the way to reach it, not a Go field (Config.TLS)
// that a user of aiotools cannot set.
func TestWebAddressRefused(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   `-web "0.0.0.0:8080": the dashboard listens on loopback only`,
		":8080":          `-web ":8080": the dashboard listens on loopback only`,
		"192.0.2.1:80":   "ssh -L",
		"127.0.0.1":      `-web "127.0.0.1": want HOST:PORT`,
		"example.com:80": "loopback only",
	} {
		var cfg control.Config
		_, err := mountWeb(&cfg, addr)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Config.TLS") {
			t.Errorf("-web %s: %v, want an error with %q", addr, err, want)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0"} {
		if err := checkWebAddr(addr); err != nil {
			t.Errorf("-web %s: %v", addr, err)
		}
	}
}
