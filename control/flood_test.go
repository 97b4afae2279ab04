package control_test

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// reconnectFlood opens n connections to addr that send nothing and open
// again as soon as the server closes them, until stop is closed (or 10 s
// pass). It returns once each has connected once, and a wait for the end.
func reconnectFlood(t *testing.T, addr string, n int, stop <-chan struct{}) (wait func()) {
	t.Helper()
	var wg sync.WaitGroup
	var up sync.WaitGroup
	end := time.Now().Add(10 * time.Second)
	up.Add(n)
	for range n {
		wg.Go(func() {
			first := true
			for time.Now().Before(end) {
				select {
				case <-stop:
					if first {
						up.Done()
					}
					return
				default:
				}
				c, err := net.DialTimeout("tcp", addr, time.Second)
				if first {
					up.Done()
					first = false
				}
				if err != nil {
					continue
				}
				c.SetReadDeadline(end)
				go func() { <-stop; c.Close() }()
				io.Copy(io.Discard, c) // until the server (or stop) closes it
				c.Close()
			}
		})
	}
	up.Wait()
	return wg.Wait
}

// TestReconnectingFloodDoesNotShutOut: 300 connections without the token
// that reconnect as soon as they are closed do not keep clients with the
// token out, plain or over TLS (where a client has no whole request head
// until its handshake is done).
func TestReconnectingFloodDoesNotShutOut(t *testing.T) {
	const token = "0123456789abcdef-secret"
	cert, pool := selfSigned(t)
	for _, tc := range []struct {
		name string
		srv  *tls.Config
		cl   *tls.Config
	}{
		{"plain", nil, nil},
		{"tls", &tls.Config{Certificates: []tls.Certificate{cert}}, &tls.Config{RootCAs: pool}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProgram(t)
			p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token, TLS: tc.srv})
			addr := p.srv.Addr().String()
			stop := make(chan struct{})
			wait := reconnectFlood(t, addr, 300, stop)
			servedAll(t, 20, client.Options{Addr: addr, Token: token, TLS: tc.cl})
			close(stop)
			wait()
		})
	}
}
