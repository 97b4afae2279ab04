package aioweb

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/sockdir"
)

// csp is the Content-Security-Policy of every answer: the page's own
// script and style only (no inline script, no inline style, nothing from
// elsewhere), its own origin for fetch and the event streams, no frames.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// csrfHeader carries the CSRF token on every mutating request; the pages
// hold it in <meta name="csrf-token">.
const csrfHeader = "X-CSRF-Token"

// sessionValue is what the cookie holds: derived from the token, so that
// the cookie is no bearer token for the API (/v1/ never accepts it).
func sessionValue(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("aioweb session cookie v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// cookieName includes the port: cookies are not kept apart by port, and
// two programs' dashboards on one host must not overwrite each other's.
func cookieName(host string) string {
	_, port, err := net.SplitHostPort(host)
	if err != nil || port == "" {
		return "aioweb"
	}
	return "aioweb_" + port
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// guard is the control server's MountGuard: it checks a browser's TCP
// requests (those without an Authorization header, outside /v1/). A GET
// with ?token=TOKEN sets the session cookie and redirects to the same
// address without the token; any other request needs the cookie.
func (d *Dashboard) guard(token string, next http.Handler) http.Handler {
	d.mu.Lock()
	d.token = token
	d.mu.Unlock()
	session := sessionValue(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w)
		// Without TLS the server is on loopback; a page that reaches it by
		// DNS rebinding names another host.
		if !d.tls && !loopbackHost(r.Host) {
			http.Error(w, "403 forbidden: the dashboard answers only to a loopback host name (127.0.0.1, ::1, localhost)", http.StatusForbidden)
			return
		}
		name := cookieName(r.Host)
		q := r.URL.Query()
		if q.Has("token") {
			if r.Method != http.MethodGet || !equal(q.Get("token"), token) {
				unauthorized(w)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: name, Value: session, Path: "/", HttpOnly: true,
				Secure: d.tls, SameSite: http.SameSiteStrictMode})
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			u.Scheme, u.Host = "", ""
			if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.Contains(u.Path, `\`) {
				u.Path, u.RawPath = "/", "" // never to another host ("//evil.example")
			}
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		c, err := r.Cookie(name)
		if err != nil || !equal(c.Value, session) {
			unauthorized(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("Connection", "close") // as the API does: no place held for the idle timeout
	http.Error(w, "401 unauthorized: missing or wrong token: open the address the program printed (dashboard: http://…/?token=…)", http.StatusUnauthorized)
}

// loopbackHost reports whether a Host header names this machine's
// loopback: an IP literal that is loopback, or localhost.
func loopbackHost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.EqualFold(h, "localhost") || sockdir.IsLoopback(h)
}

func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// secure sets the security headers on every answer of the dashboard
// (also on the unix socket, where no guard runs) and bounds its writing.
func (d *Dashboard) secure(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w)
		// An answer is written in bounded time, as the API's are (a slow
		// reader holds no connection for ever); the event streams lift it.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(control.DefaultWriteTimeout))
		h(w, r)
	})
}

// crossOrigin refuses requests a browser marks as cross-site
// (Sec-Fetch-Site, Origin): the standard library's check.
var crossOrigin = http.NewCrossOriginProtection()

// mutating guards a request that changes something: not cross-site, and
// with the page's CSRF token in a header (which a form of another site
// cannot set, and a script of another site cannot read).
func (d *Dashboard) mutating(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeJSONError(w, http.StatusMethodNotAllowed, "method_not_allowed", quotePath(r.URL.Path)+" takes POST, not "+r.Method)
			return
		}
		if err := crossOrigin.Check(r); err != nil {
			writeJSONError(w, http.StatusForbidden, "forbidden", "cross-site request refused")
			return
		}
		if !equal(r.Header.Get(csrfHeader), d.csrf) {
			writeJSONError(w, http.StatusForbidden, "forbidden", "missing or wrong CSRF token: reload the page")
			return
		}
		h(w, r)
	}
}
