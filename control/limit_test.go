package control_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
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

// TestAnsweredConnectionIsNotServing: a connection whose client already
// has its whole answer does not serve a request any more, even while
// net/http has not yet told it idle (under load that moment can come
// late). A new stream gets its place instead of a 503; the old
// connection is closed once its answer is out. The hook holds the
// answered connection in that moment for as long as the test needs.
func TestAnsweredConnectionIsNotServing(t *testing.T) {
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	control.SetTrackHookForTest(func(_ net.Conn, st http.ConnState) {
		if st == http.StateIdle {
			once.Do(func() { close(held); <-release })
		}
	})
	t.Cleanup(func() { control.SetTrackHookForTest(nil) }) // after the server's Close
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce()
	p := newProgram(t)
	const max = 3
	p.serve(t, control.Config{MaxConns: max})
	answered, err := net.Dial("unix", p.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer answered.Close()
	answered.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(answered, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
	ar := bufio.NewReader(answered)
	res, err := http.ReadResponse(ar, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	<-held // answered, and not yet told idle
	var streams []net.Conn
	defer func() {
		for _, c := range streams {
			c.Close()
		}
	}()
	for i := range max {
		c, err := net.Dial("unix", p.sock)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, c)
		line := openStream(t, c)
		if !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("stream %d of %d next to an answered connection: %q", i+1, max, line)
		}
	}
	releaseOnce()
	// The answered connection gave its place up: the server closes it.
	if _, err := ar.ReadByte(); err == nil {
		t.Error("the answered connection is still open after giving its place up")
	}
	// Every place serves a stream now: a new connection is refused.
	got, err := rawRequest(t, p.sock, post(`{"argv":["status"]}`))
	if !strings.Contains(got, "503") || !strings.Contains(got, "too_many_connections") {
		t.Errorf("with every place serving: %q %v", got, err)
	}
}

// openStream opens a follow stream on c and returns its status line.
func openStream(t *testing.T, c net.Conn) string {
	t.Helper()
	body := `{"argv":["follow"]}`
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("stream: %q %v", line, err)
	}
	return line
}
