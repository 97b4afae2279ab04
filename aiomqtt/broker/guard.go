package broker

import (
	"net"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// guardedListener works around a race in mochi's shutdown: each accepted
// connection's goroutine calls ClientsWg.Add(1) while Server.Close may
// already be in ClientsWg.Wait (a WaitGroup misuse the race detector
// reports when a client connects as the broker closes). Every connection
// it hands out counts as pending until mochi first reads from it (by then
// the Add has happened) or closes it; Close waits for the pending ones
// before mochi's Close runs.
type guardedListener struct {
	net.Listener
	mu      sync.Mutex
	closed  bool
	pending sync.WaitGroup
}

func (l *guardedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.pending.Add(1) // under mu, before closed is set: ordered before quiesce's Wait
	return &guardedConn{Conn: c, done: l.pending.Done}, nil
}

// quiesce closes the listener and waits (at most limit) until every
// connection handed out has been read from or closed.
func (l *guardedListener) quiesce(limit time.Duration) {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.Listener.Close()
	ok := make(chan struct{})
	go func() { l.pending.Wait(); close(ok) }()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-ok:
	case <-t.C: // a goroutine mochi never ran; Close goes on regardless
	}
}

// guardedConn reports, once, its first Read or Close.
type guardedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *guardedConn) Read(p []byte) (int, error) {
	c.once.Do(c.done)
	return c.Conn.Read(p)
}

func (c *guardedConn) Close() error {
	c.once.Do(c.done)
	return c.Conn.Close()
}

// netListener is mochi's TCP listener with a Close that does not
// deadlock: mochi's own close function (Server.closeListenerClients)
// calls Clients.GetByListener, which read-locks the clients' RWMutex and
// then read-locks it again (through Len); a client whose connection ends
// at that moment queues a write lock (Clients.Delete) between the two,
// and the broker's Close and that client's goroutine wait for each other
// for ever (seen in the aiomqtt tests: mochi-mqtt/server v2.7.9). This
// Close disconnects the listener's clients from one GetAll snapshot (one
// read lock) instead.
type netListener struct {
	*listeners.Net
	srv *mqtt.Server
}

// Close stops accepting and disconnects the listener's clients; mochi's
// close function is not called (see netListener).
func (l *netListener) Close(listeners.CloseFn) {
	l.Net.Close(l.closeClients)
}

func (l *netListener) closeClients(id string) {
	for _, cl := range l.srv.Clients.GetAll() {
		if cl.Net.Listener == id && !cl.Closed() {
			_ = l.srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
}
