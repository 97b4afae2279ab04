package control

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiotools-go/aiotools/control/sockdir"
)

// TokenBytes is how many random bytes a generated token has (it is
// written as twice as many hex digits).
const TokenBytes = 32

// TokenPath returns the file a server keeps its generated token in, for
// the socket path sock: NAME.token beside NAME.sock (sockdir.TokenPath).
func TokenPath(sock string) string { return sockdir.TokenPath(sock) }

// ReadTokenFile reads a token file a server wrote: the token on the first
// line, the TCP address the server listens on on the second. It refuses
// a file that is not a regular file of this user that only this user can
// read (sockdir.ReadToken).
func ReadTokenFile(path string) (token, addr string, err error) { return sockdir.ReadToken(path) }

// tokenFile is a generated token kept in a file while the server runs.
type tokenFile struct {
	path    string
	written os.FileInfo // the file as written, so that close removes only it
	lock    *socketLock // held when there is no socket (whose lock covers the file)
}

// newToken returns TokenBytes random bytes as hex.
func newToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("control: generating a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// writeTokenFile writes token and addr to path (mode 0600) atomically: a
// reader sees the old file or the whole new one. The caller holds the
// lock that makes the path this server's, in a private directory.
func writeTokenFile(path, token, addr string) (os.FileInfo, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return nil, fmt.Errorf("control: token file %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := fmt.Fprintf(f, "%s\n%s\n", token, addr)
	if err := errors.Join(werr, f.Chmod(0o600), f.Close()); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("control: token file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("control: token file %s: %w", path, err)
	}
	return os.Lstat(path)
}

// close removes the token file if it is still the one written, then
// releases its lock (if it has one of its own).
func (t *tokenFile) close() error {
	if t == nil {
		return nil
	}
	var err error
	if t.written != nil {
		if now, lerr := os.Lstat(t.path); lerr == nil && os.SameFile(t.written, now) {
			if rerr := os.Remove(t.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				err = fmt.Errorf("control: removing token file %s: %w", t.path, rerr)
			}
		}
		t.written = nil
	}
	if t.lock != nil {
		err = errors.Join(err, t.lock.release())
		t.lock = nil
	}
	return err
}

// checkLoopback refuses an address whose host is not a loopback address:
// a bearer token must not cross a network in clear text, so beyond
// loopback the server needs TLS.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("control: TCP address %q: %w", addr, err)
	}
	if sockdir.IsLoopback(host) {
		return nil
	}
	return notLoopback(addr)
}

func notLoopback(addr string) error {
	return fmt.Errorf("control: TCP address %q is not loopback: set Config.TLS to listen on it (the token must not cross a network in clear text), or use 127.0.0.1 or ::1", addr)
}

// guardTCP lets through only requests with the token. It also keeps web
// pages out: a browser reaching a loopback server through DNS rebinding
// cannot send the Authorization header.
func (s *Server) guardTCP(h http.Handler) http.Handler {
	want := []byte("Bearer " + s.token)
	var web http.Handler
	if s.cfg.MountGuard != nil {
		web = s.cfg.MountGuard(s.token, h)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if web != nil && len(got) == 0 && !strings.HasPrefix(r.URL.Path, "/v1/") {
			web.ServeHTTP(w, r) // a browser: the mounted dashboard's own check
			return
		}
		if subtle.ConstantTimeCompare(got, want) != 1 {
			// Refused clients do not keep their connection: they would
			// hold a place (MaxConns) for the idle timeout.
			w.Header().Set("Connection", "close")
			w.Header().Set("WWW-Authenticate", `Bearer realm="aiotools"`)
			writeError(w, errorf(CodeUnauthorized, "missing or wrong token (aioctl: --token, $AIOCTL_TOKEN, or the server's token file)"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// listenTCP opens the TCP listener, and when no token was given makes
// one and writes it to the token file (under the socket's lock, or a lock
// of its own without a socket).
func (s *Server) listenTCP() error {
	s.token = s.cfg.Token
	if s.token == "" {
		s.tf = &tokenFile{}
		if s.ul != nil {
			s.tf.path = TokenPath(s.ul.path)
		} else {
			dir, err := defaultDir()
			if err != nil {
				return err
			}
			name, err := programName(s.cfg.Name)
			if err != nil {
				return err
			}
			s.tf.path = filepath.Join(dir, name+".token")
			if s.tf.lock, err = lockSocket(s.tf.path); err != nil {
				return err
			}
		}
	}
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("control: listen on %s: %w", s.cfg.Addr, err)
	}
	if ta, ok := l.Addr().(*net.TCPAddr); s.cfg.TLS == nil && (!ok || !ta.IP.IsLoopback()) {
		l.Close()
		return notLoopback(l.Addr().String())
	}
	s.tl = l
	if s.tf != nil {
		if s.token, err = newToken(); err != nil {
			return err
		}
		if s.tf.written, err = writeTokenFile(s.tf.path, s.token, l.Addr().String()); err != nil {
			return err
		}
	}
	return nil
}

// TokenPath returns the file the generated TCP token is kept in ("" when
// the token was given, or without TCP).
func (s *Server) TokenPath() string {
	if s.tf == nil {
		return ""
	}
	return s.tf.path
}
