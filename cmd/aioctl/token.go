package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

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
