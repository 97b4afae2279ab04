package aiometrics

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/sockdir"
)

// ListenConfig says where Listen serves the metrics.
type ListenConfig struct {
	// Addr is the TCP address ("127.0.0.1:9464"; port 0 picks a free one).
	Addr string
	// Token, when set, must be sent by scrapers as "Authorization: Bearer
	// TOKEN" (compared in constant time); at least 16 bytes. Prometheus:
	// authorization: {credentials_file: …} in the scrape config.
	Token string
	// TLS, when set, makes the listener speak HTTPS.
	TLS *tls.Config
}

// ErrNotLoopback is returned by Listen for an address beyond loopback
// without both a token and TLS.
var ErrNotLoopback = errors.New("aiometrics: address is not loopback")

// Listener serves the metrics on an address of their own.
type Listener struct {
	ln  net.Listener
	srv *http.Server
	err chan error
}

// Listen serves GET /metrics on cfg.Addr until Close. An address that is
// not loopback needs both a token and TLS (as the control server's TCP
// listener does): metrics name the program's tasks, which are nobody
// else's business, and a token must not cross a network in clear text.
func (m *Metrics) Listen(cfg ListenConfig) (*Listener, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("aiometrics: address %q: %w", cfg.Addr, err)
	}
	if cfg.Token != "" && len(cfg.Token) < sockdir.MinTokenBytes {
		return nil, fmt.Errorf("aiometrics: the token is %d bytes, at least %d are needed", len(cfg.Token), sockdir.MinTokenBytes)
	}
	if !sockdir.IsLoopback(host) && (cfg.Token == "" || cfg.TLS == nil) {
		return nil, fmt.Errorf("%w: %q needs both a token and TLS, or use 127.0.0.1 or ::1", ErrNotLoopback, cfg.Addr)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("aiometrics: %w", err)
	}
	if cfg.TLS != nil {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+api.PathMetrics, m.Handler())
	var h http.Handler = mux
	if cfg.Token != "" {
		h = bearer(cfg.Token, h)
	}
	l := &Listener{ln: ln, err: make(chan error, 1), srv: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: time.Second,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}}
	go func() { l.err <- l.srv.Serve(ln) }()
	return l, nil
}

// Addr is the address the listener listens on.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// Close stops the listener, letting scrapes under way finish (ctx bounds
// the wait).
func (l *Listener) Close(ctx context.Context) error {
	err := l.srv.Shutdown(ctx)
	if serr := <-l.err; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// bearer lets through only requests that carry the token.
func bearer(token string, h http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="aiotools metrics"`)
			http.Error(w, "a bearer token is required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
