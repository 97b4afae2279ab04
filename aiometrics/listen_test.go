package aiometrics_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
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

// With TLS (and a token), the listener speaks HTTPS.
func TestListenWithTLS(t *testing.T) {
	p := newProgram(t)
	cert, pool := selfSigned(t)
	const token = "0123456789abcdef0123"
	l, err := p.m.Listen(aiometrics.ListenConfig{Addr: "127.0.0.1:0", Token: token,
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(t.Context())
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer hc.CloseIdleConnections()
	if code, body := get(t, hc, "https://"+l.Addr().String()+"/metrics", token); code != http.StatusOK || !strings.Contains(string(body), "aiotools_tasks") {
		t.Errorf("HTTPS scrape: %d %.200s", code, body)
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
