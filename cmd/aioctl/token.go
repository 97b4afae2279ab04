package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/aiotools-go/aiotools/control"
)

// findToken returns the token of the program listening on addr, from its
// token file (NAME.token, which a program given no token writes beside
// its socket), or "" when none matches. Only token files in socket
// directories of this user that nobody else can enter are read, and only
// one whose address is addr is used: a token is never sent to another
// program's address.
func findToken(addr string) string {
	for _, d := range control.SocketDirs() {
		if control.CheckSocketDir(d) != nil {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.token"))
		for _, f := range files {
			tok, fileAddr, err := control.ReadTokenFile(f)
			if err == nil && sameAddr(fileAddr, addr) {
				return tok
			}
		}
	}
	return ""
}

// sameAddr reports whether two HOST:PORT name the same listener: the same
// port, and the same host or both loopback ("localhost", 127.0.0.1, ::1).
func sameAddr(a, b string) bool {
	ha, pa, err := net.SplitHostPort(a)
	if err != nil {
		return false
	}
	hb, pb, err := net.SplitHostPort(b)
	if err != nil || pa != pb {
		return false
	}
	return ha == hb || (isLoopback(ha) && isLoopback(hb))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tlsConfig trusts the PEM certificates in cacert, or the system's
// authorities when cacert is "".
func tlsConfig(cacert string) (*tls.Config, error) {
	if cacert == "" {
		return &tls.Config{}, nil
	}
	b, err := os.ReadFile(cacert)
	if err != nil {
		return nil, fmt.Errorf("--cacert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", cacert)
	}
	return &tls.Config{RootCAs: pool}, nil
}
