package aioweb

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/aiotools-go/aiotools/control"
)

//go:embed assets
var assets embed.FS

// templates holds the pages, parsed once: a bad template is a build-time
// mistake, so parsing panics (the package's tests parse them).
var templates = template.Must(template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html"))

// Dashboard is the web dashboard of one control server. Make one with
// Mount before control.NewServer.
type Dashboard struct {
	in    *control.Interp
	log   *slog.Logger
	tls   bool
	csrf  string // the CSRF token every mutating request must carry
	epoch string // the first part of every event id
	hub   *hub

	mu    sync.Mutex
	token string // the server's TCP token, as its MountGuard got it
}

// Mount adds the dashboard to the control server cfg configures: its
// pages go on the server's mux (cfg.Mount, so on the unix socket too, and
// on TCP when cfg.Addr is set) and its cookie check guards the browser's
// TCP requests (cfg.MountGuard). The dashboard runs every command through
// the server's interpreter, which Mount makes from cfg.Components when
// cfg.Interp is nil. Call it before control.NewServer; after that,
// Dashboard.URL gives the address to open.
//
// Mount wants cfg.MountGuard unset, so that nothing else decides who may
// reach the pages. A cfg.Mount already set (aiometrics' /metrics, say)
// keeps its handlers: the dashboard's are added after them.
func Mount(cfg *control.Config) (*Dashboard, error) {
	if cfg.MountGuard != nil {
		return nil, errors.New("aioweb: Config.MountGuard is already set")
	}
	if cfg.Interp == nil {
		in, err := control.NewInterp(cfg.Components)
		if err != nil {
			return nil, err
		}
		cfg.Interp = in
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	d := &Dashboard{in: cfg.Interp, log: log, tls: cfg.TLS != nil, csrf: hex.EncodeToString(b[:24]), epoch: hex.EncodeToString(b[24:])}
	d.hub = newHub(cfg.Interp.Components().Group)
	if prev := cfg.Mount; prev != nil {
		cfg.Mount = func(mux *http.ServeMux) { prev(mux); d.mount(mux) }
	} else {
		cfg.Mount = d.mount
	}
	cfg.MountGuard = d.guard
	return d, nil
}

// Close stops watching the group's tasks. The pages still answer, but
// their live views get no more updates; close the server first.
func (d *Dashboard) Close() { d.hub.close() }

// URL returns the address to open the dashboard of srv at (the server
// Mount configured), with the token as ?token=: the first visit trades it
// for a cookie and drops it from the address bar. It is "" when srv
// listens on no TCP address.
func (d *Dashboard) URL(srv *control.Server) string {
	a := srv.Addr()
	if a == nil {
		return ""
	}
	d.mu.Lock()
	tok := d.token
	d.mu.Unlock()
	host := a.String()
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		host = net.JoinHostPort("127.0.0.1", strconv.Itoa(ta.Port))
	}
	u := url.URL{Scheme: "http", Host: host, Path: "/", RawQuery: url.Values{"token": {tok}}.Encode()}
	if d.tls {
		u.Scheme = "https"
	}
	return u.String()
}

// mount registers the dashboard's routes on the control server's mux.
func (d *Dashboard) mount(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "assets/static")
	page := func(h http.HandlerFunc) http.Handler { return d.secure(h) }
	mux.Handle("GET /{$}", page(d.overview))
	mux.Handle("GET /task", page(d.taskPage))
	mux.Handle("GET /log", page(d.logPage))
	mux.Handle("GET /services", page(d.servicesPage))
	mux.Handle("GET /static/", d.secure(http.StripPrefix("/static/", http.FileServerFS(static)).ServeHTTP))
	mux.Handle("GET /events", page(d.statusEvents))
	mux.Handle("GET /log/events", page(d.logEvents))
	mux.Handle("/exec", d.secure(d.mutating(d.exec)))
	for _, pat := range []string{patRoot, patOne, patDeeper} {
		mux.Handle(pat, d.secure(noPage(mux)))
	}
}
