package control_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// TestTCPWithoutTokenMakesATokenFile: loopback TCP cannot tell one local
// user from another, so a server given no token makes one (32 random
// bytes, hex) and keeps it in NAME.token beside the socket, mode 0600;
// clients without it are refused, so another local user cannot run
// commands. Close removes the file.
func TestTCPWithoutTokenMakesATokenFile(t *testing.T) {
	p := newProgram(t)
	dir := shortTempDir(t)
	p.serve(t, control.Config{Socket: filepath.Join(dir, "prog.sock"), Addr: "127.0.0.1:0"})
	addr := p.srv.Addr().String()
	path := filepath.Join(dir, "prog.token")
	if got := p.srv.TokenPath(); got != path {
		t.Errorf("TokenPath() = %q, want %q", got, path)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal("no token file:", err)
	}
	if fi.Mode() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode())
	}
	token, fileAddr, err := control.ReadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 64 || strings.Trim(token, "0123456789abcdef") != "" {
		t.Errorf("token %q: want 64 hex digits (32 random bytes)", token)
	}
	if fileAddr != addr {
		t.Errorf("token file address %q, want %q", fileAddr, addr)
	}

	for _, tok := range []string{"", strings.Repeat("0", 64)} {
		cl := newClient(t, client.Options{Addr: addr, Token: tok})
		_, err := cl.Exec(ctxT(t), []string{"set", "args", "blink", `{"pin": 9}`}, control.Options{})
		var ce *control.Error
		if !errors.As(err, &ce) || ce.Code != control.CodeUnauthorized {
			t.Errorf("token %q: %v, want unauthorized", tok, err)
		}
	}
	if st := mustTask(t, p, "blink").State(); st != aioctl.Running {
		t.Errorf("blink changed by a client without the token: %s", st)
	}
	good := newClient(t, client.Options{Addr: addr, Token: token})
	if _, err := good.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("token from the file: %v", err)
	}

	// Two servers with the same name: the second cannot take the token file.
	_, err = control.NewServer(control.Config{Interp: p.in, Socket: filepath.Join(dir, "prog.sock"), Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("second server on the same socket and token file started")
	}
	if _, _, err := control.ReadTokenFile(path); err != nil {
		t.Errorf("token file hurt by the second server: %v", err)
	}
	p.srv.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file left after Close: %v", err)
	}
}

// TestTCPOnlyTokenFileInDefaultDir: with no unix socket (Socket "-"),
// the token file goes where the socket would have been.
func TestTCPOnlyTokenFileInDefaultDir(t *testing.T) {
	run := shortTempDir(t)
	t.Setenv("XDG_RUNTIME_DIR", run)
	p := newProgram(t)
	p.serve(t, control.Config{Socket: "-", Name: "tcponly", Addr: "127.0.0.1:0"})
	want := filepath.Join(run, "aiotools", "tcponly.token")
	if p.srv.TokenPath() != want {
		t.Fatalf("TokenPath() = %q, want %q", p.srv.TokenPath(), want)
	}
	token, _, err := control.ReadTokenFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, client.Options{Addr: p.srv.Addr().String(), Token: token}).Status(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}

// TestNonLoopbackNeedsTLS: a bearer token must not cross a network in
// clear text, so an address that is not loopback needs Config.TLS.
func TestNonLoopbackNeedsTLS(t *testing.T) {
	p := newProgram(t)
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:7070", "example.com:80"} {
		_, err := control.NewServer(control.Config{Interp: p.in, Socket: "-", Addr: addr, Token: "0123456789abcdef-secret", Logger: slog.New(slog.DiscardHandler)})
		if err == nil || !strings.Contains(err.Error(), "not loopback") || !strings.Contains(err.Error(), "TLS") {
			t.Errorf("%s with a token, without TLS: %v", addr, err)
		}
	}
}

// TestTCPWithTLS: with Config.TLS the server speaks HTTPS; a client that
// trusts the certificate gets in with the token, a plain-text one does not.
func TestTCPWithTLS(t *testing.T) {
	p := newProgram(t)
	cert, pool := selfSigned(t)
	const token = "0123456789abcdef-secret"
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token,
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	addr := p.srv.Addr().String()
	cl := newClient(t, client.Options{Addr: addr, Token: token, TLS: &tls.Config{RootCAs: pool}})
	if _, err := cl.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("TLS client: %v", err)
	}
	plain := newClient(t, client.Options{Addr: addr, Token: token})
	if _, err := plain.Status(ctxT(t), "blink"); err == nil {
		t.Error("plain-text client served by a TLS server")
	}
	untrusting := newClient(t, client.Options{Addr: addr, Token: token, TLS: &tls.Config{}})
	if _, err := untrusting.Status(ctxT(t), "blink"); err == nil {
		t.Error("client that does not trust the certificate served")
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "aiotools test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
