package aioweb

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// selfSigned is a certificate for 127.0.0.1, and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// Without TLS the dashboard is on loopback only (the control server
// refuses another address); with TLS its address is https and its cookie
// Secure.
func TestLoopbackUnlessTLS(t *testing.T) {
	g := aioctl.NewGroup()
	cfg := control.Config{Components: control.Components{Group: g}, Socket: "-", Addr: "0.0.0.0:0",
		Token: testToken, Logger: slog.New(slog.DiscardHandler)}
	d0, err := Mount(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d0.Close()
	if srv, err := control.NewServer(cfg); err == nil {
		srv.Close()
		t.Fatal("a dashboard on 0.0.0.0 without TLS started")
	} else if !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("refusal: %v", err)
	}

	cert, pool := selfSigned(t)
	cfg = control.Config{Components: control.Components{Group: g}, Socket: "-", Addr: "127.0.0.1:0",
		Token: testToken, Logger: slog.New(slog.DiscardHandler), TLS: &tls.Config{Certificates: []tls.Certificate{cert}}}
	d, err := Mount(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := control.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer d.Close()
	u := d.URL(srv)
	if !strings.HasPrefix(u, "https://127.0.0.1:") {
		t.Errorf("URL %s, want https", u)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := resp.Header.Get("Set-Cookie"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(sc, "; Secure") {
		t.Errorf("first visit over TLS: %s, Set-Cookie %q, want Secure", resp.Status, sc)
	}
}
