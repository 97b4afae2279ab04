package control_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

func TestSocketModesAndEveryVerbOverTheSocket(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	fi, err := os.Stat(p.sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want socket 0600", fi.Mode())
	}
	di, _ := os.Stat(filepath.Dir(p.sock))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", di.Mode().Perm())
	}
	ctx := ctxT(t)
	sts, err := p.cl.Status(ctx, "blink", "answer")
	if err != nil || len(sts) != 2 || sts[0].State != aioctl.Running.String() || sts[1].ResultText != "42" {
		t.Fatalf("status over the socket: %+v %v", sts, err)
	}
	// Every verb, as text and as JSON, through the socket.
	lines := []struct {
		line string
		text string // in the text answer
		exit int
		code control.Code
	}{
		{"status", "● blink: status: running", 0, ""},
		{"status answer", "● answer: status: done", 3, ""},
		{"status nosuch", "", 4, control.CodeNotFound},
		{"is-active blink", "active", 0, ""},
		{"is-active answer", "inactive", 3, ""},
		{"result answer", "answer: 42", 0, ""},
		{"traceback dofail", "division by zero", 0, ""},
		{"debug on", "debug mode on", 0, ""},
		{"debug off", "debug mode off", 0, ""},
		{`set args blink {"pin": 7}`, "blink", 0, ""},
		{"stop blink", "stopped: blink", 0, ""},
		{"start blink", "started: blink", 0, ""},
		{"restart hello", "restarted: hello", 0, ""},
		{"log LED", "LED toggled", 0, ""},
		{"help", "set args PATTERN JSON", 0, ""},
		{"delete hello_1", "deleted: hello_1", 0, ""},
		{"schedule list", "", 1, control.CodeNotAvailable},
		{"frobnicate", "", 2, control.CodeUnknownVerb},
	}
	for _, l := range lines {
		resp, err := p.cl.ExecLine(ctx, l.line, control.Options{})
		if resp == nil {
			t.Fatalf("%s: no answer: %v", l.line, err)
		}
		if !strings.Contains(resp.Text, l.text) || resp.Exit != l.exit {
			t.Errorf("%s: exit %d text %q, want %d and %q", l.line, resp.Exit, resp.Text, l.exit, l.text)
		}
		var ce *control.Error
		if l.code != "" && (!errors.As(err, &ce) || ce.Code != l.code) {
			t.Errorf("%s: err %v, want code %s", l.line, err, l.code)
		}
		if l.code == "" && err != nil {
			t.Errorf("%s: %v", l.line, err)
		}
		if resp.OK != (l.code == "") {
			t.Errorf("%s: ok %v", l.line, resp.OK)
		}
	}
	<-p.ticks // the restarted blink logged
	if resp, _ := p.cl.ExecLine(ctx, "log -t blink -n 1", control.Options{}); !strings.Contains(resp.Text, "pin=7") {
		t.Errorf("set args did not reach the task: %q", resp.Text)
	}
	var res []control.ResultData
	if err := p.cl.Data(ctx, &res, "result", "answer"); err != nil || string(res[0].Result) != "42" {
		t.Errorf("result JSON %+v %v", res, err)
	}
	names, err := p.cl.Names(ctx, "tasks")
	if err != nil || strings.Join(names, " ") != "blink answer dofail hello" {
		t.Errorf("names %v %v", names, err)
	}
	verbs, err := p.cl.Verbs(ctx)
	if err != nil || len(verbs) != len(control.Verbs()) {
		t.Errorf("verbs: %d %v", len(verbs), err)
	}
}

func TestFollowOverSSE(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	got := make(chan control.Event, 10)
	done := make(chan error, 1)
	go func() {
		done <- p.cl.Stream(ctx, []string{"follow", "--task", "blink", "-n", "1"}, func(e control.Event) error {
			got <- e
			return nil
		})
	}()
	e := <-got // the replayed line
	if !strings.Contains(e.Text, "[blink] LED toggled pin=2") || e.Task != "blink" || e.Level != "INFO" {
		t.Fatalf("first event %+v", e)
	}
	// A new line arrives as it is written.
	if _, err := p.in.Exec(ctx, []string{"restart", "blink"}, control.Options{}), error(nil); err != nil {
		t.Fatal(err)
	}
	if e := <-got; !strings.Contains(e.Text, "LED toggled") || e.Seq == 0 {
		t.Fatalf("followed event %+v", e)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("stream ended with %v", err)
	}
	// Errors come before the stream starts, as JSON with a code.
	var ce *control.Error
	err := p.cl.Stream(ctxT(t), []string{"follow", "--level", "LOUD"}, func(control.Event) error { return nil })
	if !errors.As(err, &ce) || ce.Code != control.CodeBadArgument {
		t.Errorf("bad follow: %v", err)
	}
	err = p.cl.Stream(ctxT(t), []string{"status"}, func(control.Event) error { return nil })
	if !errors.As(err, &ce) || ce.Code != control.CodeNotStream {
		t.Errorf("status as a stream: %v", err)
	}
	// Closing the server ends open streams at once.
	go func() {
		done <- p.cl.Stream(ctxT(t), []string{"follow", "-n", "1"}, func(e control.Event) error {
			got <- e
			return nil
		})
	}()
	<-got
	t0 := time.Now()
	if err := p.srv.Close(); err != nil {
		t.Errorf("Close with an open stream: %v", err)
	}
	<-done
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("Close with an open stream took %v", d)
	}
}

func TestStaleSocketReplacedLiveNeverStolen(t *testing.T) {
	p := newProgram(t)
	dir := shortTempDir(t)
	path := filepath.Join(dir, "ctl.sock")
	// A stale socket: bound, then its listener gone without unlinking.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal("stale socket not left behind:", err)
	}
	p.serve(t, control.Config{Socket: path})
	if _, err := p.cl.Status(ctxT(t)); err != nil {
		t.Fatalf("server on a replaced stale socket: %v", err)
	}
	// A live one is not taken over.
	_, err = control.NewServer(control.Config{Interp: p.in, Socket: path, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "another program holds") || !strings.Contains(err.Error(), path) {
		t.Fatalf("second server on a live socket: %v", err)
	}
	if _, err := p.cl.Status(ctxT(t)); err != nil {
		t.Fatalf("first server hurt by the second: %v", err)
	}
	// A file that is not a socket is not touched.
	file := filepath.Join(dir, "file.sock")
	os.WriteFile(file, []byte("x"), 0o600)
	if _, err := control.NewServer(control.Config{Interp: p.in, Socket: file}); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("server over a regular file: %v", err)
	}
	// A directory others can enter is refused.
	open := filepath.Join(dir, "open")
	os.Mkdir(open, 0o755)
	os.Chmod(open, 0o755)
	if _, err := control.NewServer(control.Config{Interp: p.in, Socket: filepath.Join(open, "s.sock")}); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("server in a 0755 directory: %v", err)
	}
	// A socket path too long for the kernel is a clear error.
	long := filepath.Join(dir, strings.Repeat("x", 120)+".sock")
	if _, err := control.NewServer(control.Config{Interp: p.in, Socket: long}); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("long socket path: %v", err)
	}
}

func TestPeerOfAnotherUserRefused(t *testing.T) {
	p := newProgram(t)
	cfg := control.Config{}
	control.SetAllowUID(&cfg, func(uid uint32) bool { return uid == 4242 })
	p.serve(t, cfg)
	_, err := p.cl.Status(ctxT(t))
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Code != control.CodeUnauthorized || !strings.Contains(ce.Message, "peer uid") {
		t.Fatalf("peer with another uid: %v", err)
	}
}

func rawRequest(t *testing.T, sock, req string) (string, error) {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// The server may answer and close before it has read all of an
	// oversized request: the write then fails, and the answer is still there.
	io.WriteString(c, req)
	b, err := io.ReadAll(c)
	return string(b), err
}

func post(body string) string {
	return fmt.Sprintf("POST /v1/exec HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

func TestBadRequestsAnsweredAndListenerKeepsServing(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{MaxBodyBytes: 1024})
	cases := []struct {
		name, req string
		status    string
		code      control.Code
	}{
		{"oversized body", post(`{"line":"status ` + strings.Repeat("x", 2000) + `"}`), "413", control.CodeTooLarge},
		{"oversized chunked body", "POST /v1/exec HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n800\r\n{\"line\":\"" + strings.Repeat("y", 2040) + "\r\n0\r\n\r\n", "413", control.CodeTooLarge},
		{"truncated JSON", post(`{"argv":["status"`), "400", control.CodeBadRequest},
		{"not JSON", post(`status blink`), "400", control.CodeBadRequest},
		{"unknown field", post(`{"argv":["status"],"sudo":true}`), "400", control.CodeBadRequest},
		{"two objects", post(`{"argv":["status"]}{"argv":["stop","blink"]}`), "400", control.CodeBadRequest},
		{"argv and line", post(`{"argv":["status"],"line":"stop blink"}`), "400", control.CodeBadRequest},
		{"bad output", post(`{"argv":["status"],"output":"xml"}`), "400", control.CodeBadRequest},
		{"wrong type", post(`{"argv":"stop blink"}`), "400", control.CodeBadRequest},
		{"unknown verb", post(`{"argv":["shutdown"]}`), "400", control.CodeUnknownVerb},
		{"traversal", post(`{"argv":["stop","../../blink"]}`), "400", control.CodeBadArgument},
		{"unterminated quote", post(`{"line":"stop 'blink"}`), "400", control.CodeBadArgument},
		{"GET exec", "GET /v1/exec HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "405", control.CodeMethodNotAllowed},
		{"form post", "POST /v1/exec HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", "400", control.CodeBadRequest},
		{"no endpoint", "GET /etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "404", control.CodeNoEndpoint},
		{"huge header", "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("h", 20000) + "\r\nConnection: close\r\n\r\n", "431", ""},
		{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n", "400", ""},
	}
	for _, c := range cases {
		got, err := rawRequest(t, p.sock, c.req)
		if err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
			t.Errorf("%s: %v", c.name, err)
		}
		if !strings.HasPrefix(got, "HTTP/1.1 "+c.status) {
			t.Errorf("%s: answer %.80q, want status %s", c.name, got, c.status)
		}
		if c.code != "" && !strings.Contains(got, `"code":"`+string(c.code)+`"`) {
			t.Errorf("%s: answer %.300q lacks code %s", c.name, got, c.code)
		}
		// The listener still serves the next client, and nothing changed.
		if st := mustTask(t, p, "blink").State(); st != aioctl.Running {
			t.Fatalf("%s: blink is %s", c.name, st)
		}
		if _, err := p.cl.Status(ctxT(t), "blink"); err != nil {
			t.Fatalf("after %s: %v", c.name, err)
		}
	}
}

// A bad body is refused in the sender's words: a stray '}' after the
// object was accepted (dec.More lets it by), and errors named Go types
// ("cannot unmarshal array into Go value of type api.Request").
func TestBadRequestBodiesAreWordedForTheSender(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	for _, c := range []struct{ body, want string }{
		{`{"argv":["stop","blink"]}}`, "request body has data after the JSON object (one command a request)"},
		{`{"argv":"stop blink"}`, `field \"argv\" wants a list of strings (the command's words), got a JSON string`},
		{`[1]`, `want a JSON object like {\"argv\": [\"status\"]}, got a JSON array`},
		{`{"argv": [1]}`, `field \"argv\" wants a list of strings`},
		{`{"argv": x}`, "invalid JSON at byte 10"},
		{`{"sudo": true}`, `unknown field \"sudo\"`},
	} {
		got, _ := rawRequest(t, p.sock, post(c.body))
		if !strings.HasPrefix(got, "HTTP/1.1 400") || !strings.Contains(got, c.want) || strings.Contains(got, "Go ") {
			t.Errorf("%s: answer %.400q, want 400 with %q", c.body, got, c.want)
		}
	}
	if st := mustTask(t, p, "blink").State(); st != aioctl.Running {
		t.Fatalf("a refused body ran: blink is %s", st)
	}
}

// TestSlowClientsAndFloods: slow clients (no whole request head yet)
// have a budget of their own, so the next client is served next to them
// and connections that serve a request (streams here: they hold their
// place) get all MaxConns places while the slow ones wait for their
// header timeout; once every place serves a request, new connections are
// refused at once with a 503. The header timeout is long here, so that
// the slow clients are still there.
func TestSlowClientsAndFloods(t *testing.T) {
	p := newProgram(t)
	const max = 8
	p.serve(t, control.Config{MaxConns: max, ReadHeaderTimeout: time.Minute, ReadTimeout: time.Minute})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var slow []net.Conn
	for i := 0; i < max-1; i++ {
		slow = append(slow, slowClient(t, p.sock))
	}
	conns = append(conns, slow...)
	fresh := newClient(t, client.Options{Socket: p.sock})
	if _, err := fresh.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("client next to slow ones: %v", err)
	}
	fresh.Close()
	// max streams, each answered before the next is opened.
	body := `{"argv":["follow"]}`
	for range max {
		c, err := net.Dial("unix", p.sock)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("stream %d: %q %v", len(conns), line, err)
		}
	}
	for i := range 5 {
		got, err := rawRequest(t, p.sock, post(`{"argv":["status"]}`))
		if !strings.Contains(got, "503") || !strings.Contains(got, "too_many_connections") {
			t.Errorf("flood %d with every place serving: %q %v", i, got, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	servedAgain(t, p.sock)
}

// TestSlowClientsAreCut: connections that never finish their request are
// cut after the header timeout, and their places are given back.
func TestSlowClientsAreCut(t *testing.T) {
	p := newProgram(t)
	const max = 4
	p.serve(t, control.Config{MaxConns: max, ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond})
	var conns []net.Conn
	for i := 0; i < max; i++ {
		conns = append(conns, slowClient(t, p.sock))
	}
	for _, c := range conns {
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
			// An answer (408) is also an end; read to EOF.
			io.Copy(io.Discard, c)
		} else if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
			t.Errorf("slow client not cut: %v", err)
		}
	}
	servedAgain(t, p.sock)
}

// slowClient connects and sends half a request head, and never more.
func slowClient(t *testing.T, sock string) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "POST /v1/exec HTTP/1.1\r\nHost: x\r\n")
	return c
}

// servedAgain waits until a new client is served: the server gives the
// places of closed connections back when it sees them close.
func servedAgain(t *testing.T, sock string) {
	t.Helper()
	pollUntil(t, 10*time.Second, "a new client served after the flood", func() error {
		cl := newClient(t, client.Options{Socket: sock})
		defer cl.Close()
		_, err := cl.Status(ctxT(t), "blink")
		return err
	})
}

func TestTCPTokenAndLoopback(t *testing.T) {
	p := newProgram(t)
	const token = "0123456789abcdef-secret"
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token})
	addr := p.srv.Addr().String()
	good := newClient(t, client.Options{Addr: addr, Token: token})
	if _, err := good.Status(ctxT(t), "blink"); err != nil {
		t.Fatalf("right token: %v", err)
	}
	for _, tok := range []string{"", "wrong-token-wrong-token", token + "x", token[:len(token)-1]} {
		cl := newClient(t, client.Options{Addr: addr, Token: tok})
		resp, err := cl.Exec(ctxT(t), []string{"stop", "blink"}, control.Options{})
		var ce *control.Error
		if !errors.As(err, &ce) || ce.Code != control.CodeUnauthorized || resp.OK {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	// Raw: the status is 401 with a WWW-Authenticate header.
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/exec", strings.NewReader(`{"argv":["stop","blink"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer nope")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("wrong token: HTTP %d", res.StatusCode)
	}
	if st := mustTask(t, p, "blink").State(); st != aioctl.Running {
		t.Errorf("blink stopped by an unauthorized request: %s", st)
	}

	if _, err := control.NewServer(control.Config{Interp: p.in, Socket: "-", Addr: "127.0.0.1:0", Token: "short"}); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Errorf("short token: %v", err)
	}
}

func TestMount(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{Mount: func(mux *http.ServeMux) {
		mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dashboard") })
	}})
	got, err := rawRequest(t, p.sock, "GET /dashboard HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil || !strings.HasPrefix(got, "HTTP/1.1 200") || !strings.HasSuffix(got, "dashboard") {
		t.Errorf("mounted handler: %q %v", got, err)
	}
}

func TestManyConcurrentClients(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{})
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Go(func() {
			for j := 0; j < 10; j++ {
				if _, err := p.cl.Status(ctxT(t)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestUnauthorizedTCPConnectionClosed: a request without the right token
// (given or generated) is answered and its connection closed, so that
// clients without the token cannot hold the connection places (MaxConns)
// for the idle timeout.
func TestUnauthorizedTCPConnectionClosed(t *testing.T) {
	p := newProgram(t)
	const token = "0123456789abcdef-secret"
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token})
	open := newProgram(t)
	open.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0"})
	for _, c := range []struct {
		name, addr, host, auth string
	}{
		{"no token", p.srv.Addr().String(), "127.0.0.1", ""},
		{"wrong token", p.srv.Addr().String(), "127.0.0.1", "Bearer nope"},
		{"generated token, foreign Host", open.srv.Addr().String(), "evil.example", ""},
	} {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		body := `{"argv":["status"]}`
		req := "POST /v1/exec HTTP/1.1\r\nHost: " + c.host + "\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n"
		if c.auth != "" {
			req += "Authorization: " + c.auth + "\r\n"
		}
		io.WriteString(conn, req+"\r\n"+body)
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: HTTP %d", c.name, res.StatusCode)
		}
		if !res.Close {
			t.Errorf("%s: answer does not close the connection", c.name)
			continue
		}
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: connection kept open after 401: %v", c.name, err)
		}
	}
}

// TestFollowEndsWhenClientGoesAway: a follow whose client disconnects
// ends on the server (its connection place is given back), without the
// server closing; with MaxConns 1 a leaked follow would shut out everyone.
func TestFollowEndsWhenClientGoesAway(t *testing.T) {
	p := newProgram(t)
	p.serve(t, control.Config{MaxConns: 1})
	{
		cl := newClient(t, client.Options{Socket: p.sock})
		ctx, cancel := context.WithCancel(ctxT(t))
		got := make(chan struct{}, 1)
		done := make(chan error, 1)
		go func() {
			done <- cl.Stream(ctx, []string{"follow", "-n", "1"}, func(control.Event) error {
				select {
				case got <- struct{}{}:
				default:
				}
				return nil
			})
		}()
		select {
		case <-got: // attached
		case err := <-done:
			t.Fatalf("stream: %v", err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("stream ended with %v", err)
		}
		cl.Close()
		servedAgain(t, p.sock)
	}
}
