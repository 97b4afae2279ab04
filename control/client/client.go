// Package client is the Go client of the aiotools control API: it runs
// the control interpreter's verbs in another program through its unix
// socket (or TCP with a token, and TLS beyond loopback).
//
//	c, err := client.New(client.Options{Socket: "/run/user/1000/aiotools/demo.sock"})
//	resp, err := c.Exec(ctx, []string{"status", "hello*"}, api.Options{})
//	fmt.Print(resp.Text)
//
// It imports only control/api (the wire types and the verb table), not
// the server: a program that only talks to others does not link the task,
// service and log packages.
package client

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
)

// Options says where the control server is.
type Options struct {
	// Socket is the unix socket's path.
	Socket string
	// Addr is a TCP address (HOST:PORT, the port a number), used when
	// Socket is empty; New refuses any other form.
	Addr string
	// Token is sent as a bearer token (TCP).
	Token string
	// TLS, when set, makes a TCP client speak HTTPS with this
	// configuration (RootCAs holding the server's self-signed certificate,
	// for one); the server must have Config.TLS.
	TLS *tls.Config
	// Timeout bounds one-shot calls (streams are bounded by their ctx
	// only); 0 means 70 s.
	Timeout time.Duration
}

// Client talks to one control server. It is safe for concurrent use and
// keeps connections open between calls.
type Client struct {
	hc     *http.Client // one-shot calls
	stream *http.Client // streams: no timeout
	base   string
	token  string
	where  string // the socket's path or the address, for errors
	socket bool
}

// ErrNoProgram is in the chain of the error of a call that found no
// program to talk to: no socket at the path, a socket nobody listens on
// (a program that was killed leaves it), a path that is a file or a
// directory ("PATH is a regular file, not a socket"), a refused TCP
// connection.
var ErrNoProgram = errors.New("no program")

// ErrAddress is in the chain of New's error for an Options.Addr that is
// not HOST:PORT with a port from 1 to 65535.
var ErrAddress = errors.New("want HOST:PORT")

// ErrSpeaksTLS is in the chain of the error of a plain-text call to a
// server that speaks TLS (Config.TLS): the client needs Options.TLS
// (aioctl: --cacert FILE, or --tls when the system trusts its certificate).
var ErrSpeaksTLS = errors.New("the server speaks TLS")

// ErrProgramStopped ends a stream that the program ended (it stopped, or
// closed its control server) before the caller's context did.
var ErrProgramStopped = errors.New("program stopped")

// ConnError is a failure to talk to the program, said in words ("no
// program is listening on PATH (stale socket)"), not as the HTTP
// client's "Post …: dial unix …". Err is the cause.
type ConnError struct {
	Msg string
	Err error
}

func (e *ConnError) Error() string { return e.Msg }

// Unwrap gives the cause, and ErrNoProgram or ErrProgramStopped when the
// failure is one of those.
func (e *ConnError) Unwrap() []error { return []error{e.Err} }

// connError says in words what went wrong reaching the program.
func (c *Client) connError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // not "Post "http://aiotools/v1/exec": …"
	}
	var oe *net.OpError
	dial := errors.As(err, &oe) && oe.Op == "dial"
	var ne net.Error
	switch {
	case dial && errors.Is(err, syscall.ECONNREFUSED) && c.socket:
		// connect(2) refuses a regular file or a directory as it refuses
		// a socket nobody listens on: say which it is.
		if what := notASocket(c.where); what != "" {
			return &ConnError{c.where + " is " + what + ", not a socket", errors.Join(ErrNoProgram, err)}
		}
		return &ConnError{"no program is listening on " + c.where + " (stale socket)", errors.Join(ErrNoProgram, err)}
	case dial && errors.Is(err, syscall.ECONNREFUSED):
		return &ConnError{"no program is listening on " + c.where + " (connection refused)", errors.Join(ErrNoProgram, err)}
	case dial && errors.Is(err, syscall.ENOENT):
		return &ConnError{"no socket at " + c.where + ": is the program running?", errors.Join(ErrNoProgram, err)}
	case dial && errors.Is(err, syscall.EACCES):
		return &ConnError{"no permission to connect to " + c.where, err}
	case errors.As(err, &ne) && ne.Timeout():
		return &ConnError{"the program at " + c.where + " did not answer in time", err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return &ConnError{"the program at " + c.where + " closed the connection before answering (did it stop?)", errors.Join(ErrProgramStopped, err)}
	case dial:
		return &ConnError{"cannot connect to " + c.where + ": " + oe.Err.Error(), err}
	}
	return &ConnError{"talking to the program at " + c.where + ": " + err.Error(), err}
}

// notASocket names what is at path when it is no socket ("a regular
// file", "a directory"), or "" for a socket or when it cannot tell.
func notASocket(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	switch m := fi.Mode(); {
	case m&fs.ModeSocket != 0:
		return ""
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return ""
}

// checkAddr returns an error unless addr is HOST:PORT with a port from 1
// to 65535 (the host may be empty: this machine). Without it "nonsense"
// was dialled, and failed as a DNS lookup.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || strings.Contains(addr, "/") {
		return fmt.Errorf("client: address %q: %w", addr, ErrAddress)
	}
	return nil
}

// New returns a client for the server opt names. It does not connect yet.
func New(opt Options) (*Client, error) {
	tr := &http.Transport{
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	var base string
	switch {
	case opt.Socket != "":
		path := opt.Socket
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}
		base = "http://aiotools"
	case opt.Addr != "":
		if err := checkAddr(opt.Addr); err != nil {
			return nil, err
		}
		base = "http://" + opt.Addr
		if opt.TLS != nil {
			tr.TLSClientConfig = opt.TLS.Clone()
			base = "https://" + opt.Addr
		}
	default:
		return nil, errors.New("client: give a socket path or a TCP address")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 70 * time.Second
	}
	where := opt.Socket
	if where == "" {
		where = opt.Addr
	}
	return &Client{
		hc:     &http.Client{Transport: tr, Timeout: opt.Timeout},
		stream: &http.Client{Transport: tr},
		base:   base,
		token:  opt.Token,
		where:  where,
		socket: opt.Socket != "",
	}, nil
}

// Close closes idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// Exec runs a command given as words. The Response is returned whenever
// the server answered, also with an error: a status of some tasks can
// come with a not_found error for a pattern that matched nothing. err is
// the *api.Error of the answer, or a transport error.
func (c *Client) Exec(ctx context.Context, argv []string, opt api.Options) (*api.Response, error) {
	return c.exec(ctx, api.Request{Argv: argv, Output: opt.Output(), Color: opt.Color})
}

// ExecLine runs one command line, parsed by the server with api.ParseLine.
func (c *Client) ExecLine(ctx context.Context, line string, opt api.Options) (*api.Response, error) {
	return c.exec(ctx, api.Request{Line: line, Output: opt.Output(), Color: opt.Color})
}

func (c *Client) exec(ctx context.Context, r api.Request) (*api.Response, error) {
	req, err := c.newRequest(ctx, http.MethodPost, api.PathExec, r)
	if err != nil {
		return nil, err
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, c.connError(err)
	}
	defer res.Body.Close()
	return c.decodeResponse(res)
}

// tlsAnswer is how Go's TLS server answers a request in plain text (other
// TLS servers reset the connection or answer alike).
const tlsAnswer = "Client sent an HTTP request to an HTTPS server"

func (c *Client) decodeResponse(res *http.Response) (*api.Response, error) {
	body := bufio.NewReader(res.Body)
	if res.StatusCode == http.StatusBadRequest && !c.socket && !strings.HasPrefix(c.base, "https:") {
		if b, _ := body.Peek(len(tlsAnswer)); string(b) == tlsAnswer {
			return nil, &ConnError{"the server at " + c.where + " speaks TLS: give --cacert FILE (or --tls)", ErrSpeaksTLS}
		}
	}
	var resp api.Response
	if err := json.NewDecoder(body).Decode(&resp); err != nil {
		return nil, fmt.Errorf("client: bad answer (HTTP %d): %w", res.StatusCode, err)
	}
	if resp.Error != nil {
		return &resp, resp.Error
	}
	if res.StatusCode != http.StatusOK {
		return &resp, fmt.Errorf("client: HTTP %d", res.StatusCode)
	}
	return &resp, nil
}

// Data runs a command and decodes its JSON result into v.
func (c *Client) Data(ctx context.Context, v any, argv ...string) error {
	resp, err := c.Exec(ctx, argv, api.Options{JSON: true})
	if resp != nil && len(resp.Data) > 0 {
		if derr := json.Unmarshal(resp.Data, v); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

// Status returns the status snapshot of the matching tasks, in its wire
// form (the JSON of aioctl.TaskStatus).
func (c *Client) Status(ctx context.Context, patterns ...string) ([]api.TaskStatus, error) {
	var sts []api.TaskStatus
	err := c.Data(ctx, &sts, append([]string{"status"}, patterns...)...)
	return sts, err
}

// Names returns the names of kind "tasks", "services" or "verbs".
func (c *Client) Names(ctx context.Context, kind string) ([]string, error) {
	var names []string
	err := c.Data(ctx, &names, "names", kind)
	return names, err
}

// Verbs returns the server's verb table.
func (c *Client) Verbs(ctx context.Context) ([]api.Verb, error) {
	req, err := c.newRequest(ctx, http.MethodGet, api.PathVerbs, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, c.connError(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, err := c.decodeResponse(res)
		return nil, err
	}
	var vs []api.Verb
	return vs, json.NewDecoder(res.Body).Decode(&vs)
}

// Stream runs a streaming command (follow, log -f), calling fn for each
// event until ctx ends (then it returns nil), the program ends the stream
// (an error wrapping ErrProgramStopped: it stopped, or closed its control
// server), or fn returns an error.
func (c *Client) Stream(ctx context.Context, argv []string, fn func(api.Event) error) error {
	req, err := c.newRequest(ctx, http.MethodPost, api.PathStream, api.Request{Argv: argv})
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.stream.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return c.connError(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		_, err := c.decodeResponse(res)
		if err == nil {
			err = fmt.Errorf("client: HTTP %d without a stream", res.StatusCode)
		}
		return err
	}
	err = readEvents(res.Body, fn)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		// The stream ends only with ctx, or with an error event: an end
		// without either is the program going away.
		return &ConnError{ErrProgramStopped.Error(), errors.Join(ErrProgramStopped, err)}
	}
	return err
}

// MaxEventBytes bounds one line of an event stream.
const MaxEventBytes = 1 << 20

// readEvents decodes the server's event stream (Server-Sent Events) from
// r, calling fn for each "data:" line of an ordinary event. An "event:
// error" ends the stream with the *api.Error it carries; a line that
// does not decode ends it with an error naming the line. Other fields
// (id:, retry:, comments) are skipped, as SSE says. It returns nil at the
// end of r.
func readEvents(r io.Reader, fn func(api.Event) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxEventBytes)
	event := ""
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			event = "" // a blank line ends an event
			continue
		}
		if line[0] == ':' {
			continue // a comment
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			event = value
		case "data":
			if event == "error" {
				var e api.Error
				if err := json.Unmarshal([]byte(value), &e); err != nil || e.Code == "" {
					return fmt.Errorf("client: event stream line %d: bad error event %.80q", n, value)
				}
				return &e
			}
			var ev api.Event
			if err := json.Unmarshal([]byte(value), &ev); err != nil {
				return fmt.Errorf("client: event stream line %d: bad event: %w", n, err)
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("client: event stream: %w", err)
	}
	return nil
}
