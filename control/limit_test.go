package control_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// servedAll runs n status requests at once, each from a client of its own
// (a new connection each), and fails the test for each one not served.
func servedAll(t *testing.T, n int, opt client.Options) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		cl := newClient(t, opt)
		wg.Go(func() {
			if _, err := cl.Status(ctxT(t), "blink"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error("authenticated request not served:", err)
	}
}

// TestSilentTCPFloodDoesNotStarve: anyone can open TCP connections
// without the token and send nothing. They get a small share of the
// places and a short time to send their headers; a new connection takes
// the place of the oldest of them, so clients with the token are all
// served while 80 silent connections are open.
func TestSilentTCPFloodDoesNotStarve(t *testing.T) {
	p := newProgram(t)
	const token = "0123456789abcdef-secret"
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token})
	addr := p.srv.Addr().String()
	var silent []net.Conn
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()
	for range 80 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
	}
	servedAll(t, 10, client.Options{Addr: addr, Token: token})
}

// TestIdleKeepAliveGivesUpItsPlace: connections that made a request and
// now sit idle (keep-alive) give their place up when a new connection
// needs it, so that MaxConns idle clients cannot shut everyone out for
// the idle timeout.
func TestIdleKeepAliveGivesUpItsPlace(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for range control.DefaultMaxConns {
		c, err := net.Dial("unix", p.sock)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("keep-alive request: HTTP %d, close %v", res.StatusCode, res.Close)
		}
	}
	servedAll(t, 10, client.Options{Socket: p.sock})
}

// TestSilentConnectionsCutQuickly: a connection that sends no headers is
// cut within the header time (at most a second by default), even when
// places are free.
func TestSilentConnectionsCutQuickly(t *testing.T) {
	if control.DefaultReadHeaderTimeout > time.Second {
		t.Errorf("DefaultReadHeaderTimeout %v: unauthenticated connections must be cut within a second", control.DefaultReadHeaderTimeout)
	}
	p := newProgram(t)
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: "0123456789abcdef-secret"})
	c, err := net.Dial("tcp", p.srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	c.SetReadDeadline(start.Add(10 * time.Second))
	io.Copy(io.Discard, c) // until the server closes it
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("silent connection cut after %v", d)
	}
}
