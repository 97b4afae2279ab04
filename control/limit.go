package control

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// The state of a connection, as the limit counts it.
type placeState uint8

const (
	placeNew    placeState = iota // accepted, no whole request head yet (unauthenticated)
	placeActive                   // serving a request (or a stream)
	placeIdle                     // between requests (keep-alive)
	placeDone                     // handler returned, answer being flushed: idle (or closed) in a moment
)

// limitListener gives out the places of a listener so that no kind of
// client can starve the others. It keeps two budgets:
//   - connections that have not yet sent a whole request head (on TCP
//     anyone can open one without the token; a real client is one too
//     until its TLS handshake and headers are done) get newMax places
//     (16 × max, at least 256): they cost a goroutine and a descriptor
//     each, and are cut after the server's ReadHeaderTimeout (a second by
//     default). When those are all taken, a new connection takes the place
//     of one of them chosen at random, not the oldest: a flood that
//     reconnects as fast as it is closed would otherwise evict every client
//     that is still mid-handshake, while at random a client survives a
//     flood of F connections with probability about (1-1/newMax)^k for the
//     k connections accepted during its handshake; below newMax flooding
//     connections nothing is evicted at all;
//   - connections that serve a request or sit idle between requests
//     (keep-alive) get max places: a new connection arriving when those are
//     all taken takes the place of the oldest idle one, and is refused (503
//     too_many_connections) only when every place serves a request. A
//     connection whose handler has returned no longer serves one, though
//     net/http tells it idle only after flushing the answer (the client may
//     already have it and connect again): with no idle one, the new
//     connection takes the place of the oldest of those, which is closed
//     once its answer is out, instead of going idle. Heads
//     that arrive at once while the last places fill may serve a few
//     requests beyond max (at most newMax): they are let through rather
//     than cut mid-request.
//
// The one given up is closed; a client that was just sending a request on
// it sees the connection closed, as with the idle timeout.
//
// http.Server tells it the states through its ConnState hook (track).
type limitListener struct {
	net.Listener
	max    int
	newMax int
	check  func(net.Conn) error
	log    *slog.Logger

	// refusing bounds the goroutines that answer refused connections
	// (per listener: no state shared between servers in one program).
	refusing chan struct{}

	mu    sync.Mutex
	conns map[*countedConn]struct{}
	tick  uint64 // orders state changes: the oldest has the smallest
}

// newPlaces is the budget of connections without a whole request head
// for places served ones.
func newPlaces(places int) int { return max(256, 16*places) }

func newLimitListener(l net.Listener, places int, check func(net.Conn) error, log *slog.Logger) *limitListener {
	return &limitListener{Listener: l, max: places, newMax: newPlaces(places), check: check, log: log,
		refusing: make(chan struct{}, 16), conns: make(map[*countedConn]struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.check != nil {
			if err := l.check(c); err != nil {
				l.log.Warn("control: refused a connection", "err", err)
				l.refuse(c, "401 Unauthorized", `{"ok":false,"exit":1,"error":{"code":"unauthorized","message":"`+jsonEscape(err.Error())+`"}}`)
				continue
			}
		}
		cc := &countedConn{Conn: c, l: l}
		victims, ok := l.admit(cc)
		for _, v := range victims {
			v.Conn.Close() // its server goroutine sees it closed and ends
		}
		if !ok {
			l.log.Warn("control: too many connections, refused one", "max", l.max)
			l.refuse(c, "503 Service Unavailable", `{"ok":false,"exit":1,"error":{"code":"too_many_connections","message":"too many connections"}}`)
			continue
		}
		return cc, nil
	}
}

// admit gives c a place among the connections without a whole head,
// taking it from one of them at random when they hold their whole
// budget; when every served place is taken it also takes the oldest idle
// one's. It returns the connections to close, and false when every served
// place serves a request.
func (l *limitListener) admit(c *countedConn) (victims []*countedConn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var news []*countedConn
	var oldestIdle *countedConn
	var oldestDone *countedConn
	served := 0
	for o := range l.conns {
		switch o.state {
		case placeNew:
			news = append(news, o)
		case placeIdle:
			served++
			if oldestIdle == nil || o.since < oldestIdle.since {
				oldestIdle = o
			}
		case placeDone:
			served++
			if oldestDone == nil || o.since < oldestDone.since {
				oldestDone = o
			}
		default:
			served++
		}
	}
	if served >= l.max {
		switch {
		case oldestIdle != nil:
			victims = append(victims, oldestIdle)
		case oldestDone != nil:
			// Closing it now could cut its answer: it gives its place up
			// now and is closed when net/http tells it idle (track).
			delete(l.conns, oldestDone)
			oldestDone.yielded = true
		default:
			return nil, false // every place serves a request
		}
	}
	if len(news) >= l.newMax {
		victims = append(victims, news[rand.IntN(len(news))])
	}
	for _, v := range victims {
		delete(l.conns, v)
	}
	l.tick++
	c.state, c.since = placeNew, l.tick
	l.conns[c] = struct{}{}
	return victims, true
}

// track is the http.Server's ConnState hook.
func (l *limitListener) track(c net.Conn, st http.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	cc, ok := c.(*countedConn)
	if !ok {
		return
	}
	if h := trackHook.Load(); h != nil {
		(*h)(c, st)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.conns[cc]; !ok {
		if cc.yielded && st == http.StateIdle {
			cc.Conn.Close() // its answer is out; its place was given up
		}
		return // closed, or given up
	}
	switch st {
	case http.StateNew:
		return
	case http.StateActive:
		cc.state = placeActive
	case http.StateIdle:
		cc.state = placeIdle
	default: // closed, hijacked
		delete(l.conns, cc)
		return
	}
	l.tick++
	cc.since = l.tick
}

// trackHook, when set (tests), is called first in track: it can hold a
// connection between its handler's return and net/http telling it idle.
// (atomic: connections may still be closing when a test ends.)
var trackHook atomic.Pointer[func(net.Conn, http.ConnState)]

// done marks the connection of r as done serving its request: the
// handler has returned, and net/http flushes the answer and tells it idle
// next. It is called before the flush, so that a client that has its
// answer never finds the place still counted as serving a request.
func (l *limitListener) done(r *http.Request) {
	cc := connOf(r.Context().Value(connKey{}))
	if cc == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.conns[cc]; !ok || cc.state != placeActive {
		return
	}
	l.tick++
	cc.state, cc.since = placeDone, l.tick
}

// wrap marks each request's connection done when h returns.
func (l *limitListener) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer l.done(r)
		h.ServeHTTP(w, r)
	})
}

// connKey keys a request's connection in its context (http.Server's
// ConnContext).
type connKey struct{}

// connContext is the http.Server's ConnContext hook.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// connOf returns the countedConn under v (a TLS one's too), or nil.
func connOf(v any) *countedConn {
	c, _ := v.(net.Conn)
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	cc, _ := c.(*countedConn)
	return cc
}

// countedConn is a connection holding a place; state, since and yielded
// are guarded by l.mu.
type countedConn struct {
	net.Conn
	l       *limitListener
	state   placeState
	since   uint64
	yielded bool // gave its place up while done: closed when idle
}

func (c *countedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// refuse answers a connection it will not serve and closes it. It reads
// the request's head first (for at most a second), so that the client sees
// the answer rather than a reset; when many are being refused already it
// just closes.
func (l *limitListener) refuse(c net.Conn, status, body string) {
	select {
	case l.refusing <- struct{}{}:
	default:
		c.Close()
		return
	}
	go func() {
		defer func() { <-l.refusing }()
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		buf := make([]byte, 4096)
		var head []byte
		for len(head) < 16<<10 && !bytes.Contains(head, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			head = append(head, buf[:n]...)
			if err != nil {
				break
			}
		}
		fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
	}()
}

// jsonEscape returns s as the inside of a JSON string. strconv.Quote would
// write \xNN for control bytes, which is not JSON; the termsafe pass keeps
// DEL, C1 and bidi controls out as everywhere else.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	b = termsafe.AppendJSON(nil, b)
	return string(b[1 : len(b)-1])
}
