//go:build !aiotools_noweb

package main

// The web dashboard (package aioweb) on the control server. Build with
// -tags aiotools_noweb to leave it out (web_off.go): the smallest boards
// save its templates, script and handlers.

import (
	"github.com/aiotools-go/aiotools/aioweb"
	"github.com/aiotools-go/aiotools/control"
)

// demoWebDefault is where the demo's dashboard listens unless -web says
// otherwise: loopback, a free port.
const demoWebDefault = "127.0.0.1:0"

const webUsage = `the web dashboard's TCP address ("127.0.0.1:8080"; loopback unless TLS; "" or off: none); it prints "dashboard: URL" to open`

// mountWeb adds the dashboard to cfg, listening on addr (nothing when
// addr is "" or "off"), and returns what to print once the server runs:
// "dashboard: http://127.0.0.1:PORT/?token=…" (the first visit trades the
// token for a cookie).
func mountWeb(cfg *control.Config, addr string) (banner func(*control.Server) string, err error) {
	if addr == "" || addr == "off" {
		return func(*control.Server) string { return "" }, nil
	}
	cfg.Addr = addr
	d, err := aioweb.Mount(cfg)
	if err != nil {
		return nil, err
	}
	return func(srv *control.Server) string { return "dashboard: " + d.URL(srv) }, nil
}
