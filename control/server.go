package control

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/sockdir"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Config configures a control server. Only Interp (or Components) is
// required: the zero value of everything else is a safe default.
type Config struct {
	// Interp is the interpreter the server runs commands with; when nil,
	// one is made from Components.
	Interp     *Interp
	Components Components

	// Socket is the unix socket's path; "" means DefaultSocketPath(Name);
	// "-" means no unix socket (TCP only).
	Socket string
	// Name names the program in the default socket path; "" means the
	// base name of the executable.
	Name string
	// Lock, when set, is the socket's path as LockSocket took it before
	// the program started anything; Socket and Name are then not used.
	// NewServer takes the lock over: it releases it if it fails, and
	// Close does.
	Lock *SocketLock

	// Addr, when set, also listens on TCP ("127.0.0.1:7070"). TCP always
	// needs a token (loopback TCP cannot tell one local user from
	// another), and an address that is not loopback also needs TLS, or
	// NewServer refuses to start.
	Addr string
	// Token must be sent by TCP clients as "Authorization: Bearer TOKEN"
	// (compared in constant time); at least 16 bytes. When it is empty
	// and Addr is set, NewServer generates one (TokenBytes random bytes,
	// hex) and writes it, with the address, to the 0600 file
	// TokenPath(socket) beside the socket (where the socket would be
	// when Socket is "-"); Close removes it. aioctl --addr reads it from
	// there, so the same user needs no flag and other users are refused.
	Token string
	// TLS, when set, makes the TCP listener speak HTTPS with this
	// configuration (it needs Certificates or GetCertificate). It is
	// required for an address that is not loopback. A self-signed pair:
	//
	//	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	//	  -days 365 -subj /CN=myhost -addext subjectAltName=IP:10.0.0.2 \
	//	  -keyout key.pem -out cert.pem
	//
	// then tls.LoadX509KeyPair("cert.pem", "key.pem") here, and
	// aioctl --cacert cert.pem on the client side.
	TLS *tls.Config

	// Logger gets the server's notices (refused peers, bad requests at
	// debug level); nil means slog.Default().
	Logger *slog.Logger

	// Limits; zero means the default in brackets.
	MaxBodyBytes      int64         // request body (64 KiB)
	MaxHeaderBytes    int           // request headers (8 KiB)
	ReadHeaderTimeout time.Duration // to read the headers (1 s): a silent connection is cut then
	ReadTimeout       time.Duration // to read the whole request (5 s)
	WriteTimeout      time.Duration // to write a one-shot answer (30 s)
	IdleTimeout       time.Duration // keep-alive connections (60 s)
	RequestTimeout    time.Duration // a one-shot command's context (60 s)
	// MaxConns bounds the connections per listener that serve a request
	// or sit idle between requests (64): idle keep-alive ones (and those
	// whose answer is written, though not yet idle) give their place up to
	// a new connection, and a new connection is refused (503) only when
	// every place serves a request. Those that have not sent a
	// whole request head yet have a budget of their own (16 × MaxConns, at
	// least 256; a new one replaces one of them at random) and are cut
	// after ReadHeaderTimeout.
	MaxConns int

	// Mount, when set, adds handlers to the server's mux (once per
	// listener), behind the same peer, token and limit checks: the web
	// dashboard mounts itself here. Paths under /v1/ are the API's.
	Mount func(mux *http.ServeMux)
	// MountGuard, when set, checks the TCP requests outside /v1/ that
	// carry no Authorization header, in place of the bearer check: a
	// browser cannot send that header, so the dashboard trades the token
	// for a cookie and checks it here. It gets the server's token (given
	// or generated) and the handler to guard. The API under /v1/ always
	// wants the bearer token.
	MountGuard func(token string, next http.Handler) http.Handler

	// allowUID overrides the peer check (tests).
	allowUID func(uid uint32) bool
}

// Defaults of Config's limits.
const (
	DefaultMaxBodyBytes      = 64 << 10
	DefaultMaxHeaderBytes    = 8 << 10
	DefaultReadHeaderTimeout = time.Second
	DefaultReadTimeout       = 5 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultRequestTimeout    = 60 * time.Second
	DefaultMaxConns          = 64
	// MinTokenBytes is the shortest token accepted.
	MinTokenBytes = sockdir.MinTokenBytes
)

// Server is a running control server. Make one with NewServer (or Serve).
type Server struct {
	cfg    Config
	in     *Interp
	log    *slog.Logger
	socket string
	unix   *http.Server
	tcp    *http.Server
	ul     *unixSocket
	tl     net.Listener
	token  string     // the TCP token, given or generated
	tf     *tokenFile // the generated token's file (nil when given)

	base   context.Context // parent of every request's context
	cancel context.CancelFunc

	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup
}

// NewServer checks the configuration, opens the listeners (the unix
// socket, and TCP when Addr is set) and starts serving on them. The
// server holds an exclusive lock on the socket's path plus ".lock" (a
// 0600 file beside it) for its whole life: a second server on the same
// path fails at once with an error naming the path, even when both start
// together. A live socket at the path is never taken over: NewServer then
// fails; a stale one (nobody answers, nobody holds the lock) is replaced.
// Close stops the server.
func NewServer(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil && cfg.Lock != nil {
		cfg.Lock.Release() // a no-op once taken over
	}
	return s, err
}

func newServer(cfg Config) (*Server, error) {
	in := cfg.Interp
	if in == nil {
		var err error
		if in, err = NewInterp(cfg.Components); err != nil {
			return nil, err
		}
	}
	setDefaults(&cfg)
	s := &Server{cfg: cfg, in: in, log: cfg.Logger}
	if cfg.Token != "" && len(cfg.Token) < MinTokenBytes {
		return nil, fmt.Errorf("control: token is %d bytes: use at least %d", len(cfg.Token), MinTokenBytes)
	}
	if cfg.Addr != "" && cfg.TLS == nil {
		if err := checkLoopback(cfg.Addr); err != nil {
			return nil, err
		}
	}
	if cfg.TLS != nil && len(cfg.TLS.Certificates) == 0 && cfg.TLS.GetCertificate == nil && cfg.TLS.GetConfigForClient == nil {
		return nil, errors.New("control: Config.TLS has no certificate: set Certificates (tls.LoadX509KeyPair) or GetCertificate")
	}
	if cfg.Lock != nil {
		lock := cfg.Lock.take()
		if lock == nil {
			return nil, fmt.Errorf("control: the lock of socket %s was released or is used by another server", cfg.Lock.path)
		}
		l, err := listenLocked(cfg.Lock.path, lock)
		if err != nil {
			return nil, err
		}
		s.socket, s.ul = l.path, l
	} else if cfg.Socket != "-" {
		var l *unixSocket
		var err error
		if cfg.Socket == "" {
			l, err = listenDefault(cfg.Name)
		} else {
			l, err = listenUnix(cfg.Socket)
		}
		if err != nil {
			return nil, err
		}
		s.socket, s.ul = l.path, l
	}
	if cfg.Addr != "" {
		if err := s.listenTCP(); err != nil {
			s.closeListeners()
			return nil, err
		}
	}
	if s.ul == nil && s.tl == nil {
		return nil, errors.New("control: no listener: give a socket path or a TCP address")
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	if s.ul != nil {
		ll := newLimitListener(s.ul.UnixListener, cfg.MaxConns, s.checkPeer, s.log)
		s.unix = s.httpServer(s.handler(false), ll)
		s.serve(s.unix, ll)
	}
	if s.tl != nil {
		ll := newLimitListener(s.tl, cfg.MaxConns, nil, s.log)
		s.tcp = s.httpServer(s.handler(true), ll)
		var l net.Listener = ll
		if cfg.TLS != nil {
			l = tls.NewListener(ll, cfg.TLS.Clone())
		}
		s.serve(s.tcp, l)
	}
	return s, nil
}

// Serve runs a control server until ctx ends, then closes it.
func Serve(ctx context.Context, cfg Config) error {
	s, err := NewServer(cfg)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return s.Close()
}

func setDefaults(c *Config) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.RequestTimeout, DefaultRequestTimeout)
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
}

func (s *Server) httpServer(h http.Handler, ll *limitListener) *http.Server {
	return &http.Server{
		Handler:           ll.wrap(h),
		ConnState:         ll.track,
		ConnContext:       connContext,
		BaseContext:       func(net.Listener) context.Context { return s.base },
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

func (s *Server) serve(hs *http.Server, l net.Listener) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("control: server stopped", "err", err)
		}
	}()
}

// SocketPath returns the unix socket's path ("" without one).
func (s *Server) SocketPath() string { return s.socket }

// Addr returns the TCP listener's address (nil without one).
func (s *Server) Addr() net.Addr {
	if s.tl == nil {
		return nil
	}
	return s.tl.Addr()
}

// Interp returns the server's interpreter.
func (s *Server) Interp() *Interp { return s.in }

// Close stops accepting, ends open streams, waits briefly for commands in
// progress, removes the socket (only if the file at the path is still the
// socket it bound, and while it holds the lock) and then removes and
// releases the lock file.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel() // ends the streams; one-shot commands run on
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var errs []error
		for _, hs := range []*http.Server{s.unix, s.tcp} {
			if hs == nil {
				continue
			}
			if err := hs.Shutdown(ctx); err != nil {
				errs = append(errs, err)
				hs.Close()
			}
		}
		s.wg.Wait()
		if err := s.closeListeners(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

func (s *Server) closeListeners() error {
	if s.tl != nil {
		s.tl.Close()
	}
	err := s.tf.close() // while the socket's lock still covers it
	s.tf = nil
	if s.ul != nil {
		err = errors.Join(err, s.ul.close()) // removes the socket (if still ours) and the lock
	}
	return err
}

func (s *Server) handler(tcp bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(api.PathExec, s.handleExec)
	mux.HandleFunc(api.PathStream, s.handleStream)
	mux.HandleFunc(api.PathVerbs, s.handleVerbs)
	mux.HandleFunc(api.PathHealth, s.handleHealth)
	mux.HandleFunc(api.PathStats, s.handleStats)      // stats_http.go
	mux.HandleFunc(api.PathStatsDebug, s.handleStats) // stats_http.go
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(CodeNoEndpoint, "no endpoint "+truncate(r.URL.Path, 60)+": use /v1/exec, /v1/stream, /v1/verbs or /v1/health"))
	})
	if s.cfg.Mount != nil {
		s.cfg.Mount(mux)
	}
	// ServeMux would answer a path that is not clean ("/./v1/exec") with
	// an HTML redirect: the API answers JSON, always.
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; !cleanPath(p) {
			writeError(w, errorf(CodeNoEndpoint, "no endpoint "+truncate(p, 60)+": the path is not clean"))
			return
		}
		mux.ServeHTTP(w, r)
	})
	if tcp {
		h = s.guardTCP(h)
	}
	return recoverer(h, s.log)
}

// cleanPath reports whether p is an absolute path that path.Clean
// leaves alone (but for one trailing slash).
func cleanPath(p string) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[0] != '/' {
		return false
	}
	q := strings.TrimSuffix(p, "/")
	return q != "/" && path.Clean(q) == q
}

func recoverer(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("control: panic in handler", "panic", v)
				writeError(w, errorf(CodeInternal, fmt.Sprint("internal error: ", v)))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshalSafe(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = marshalSafe(Response{Error: errorf(CodeInternal, "encoding the answer: "+err.Error())})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, e *Error) {
	// Messages may quote what the client sent (a path, a header).
	e = &Error{Code: e.Code, Message: termsafe.String(e.Message)}
	writeJSON(w, e.HTTPStatus(), Response{OK: false, Exit: api.ExitFor(e.Code), Error: e})
}
