//go:build !aiotools_noweb

package main

// The web dashboard (package aioweb) on the control server. Build with
// -tags aiotools_noweb to leave it out (web_off.go): the smallest boards
// save its templates, script and handlers.

import (
	"fmt"
	"net"
	"strings"

	"github.com/aiotools-go/aiotools/aioweb"
	"github.com/aiotools-go/aiotools/control"
)

// demoWebDefault is where the demo's dashboard listens unless -web says
// otherwise: loopback, a free port.
const demoWebDefault = "127.0.0.1:0"

const webUsage = `the web dashboard's TCP address ("127.0.0.1:8080"; loopback only; "" or off: none); it prints "dashboard: URL" to open`

// mountWeb adds the dashboard to cfg, listening on addr (nothing when
// addr is "" or "off"), and returns what to print once the server runs:
// "dashboard: http://127.0.0.1:PORT/?token=…" (the first visit trades the
// token for a cookie).
func mountWeb(cfg *control.Config, addr string) (banner func(*control.Server) string, err error) {
	if addr == "" || addr == "off" {
		return func(*control.Server) string { return "" }, nil
	}
	if err := checkWebAddr(addr); err != nil {
		return nil, err
	}
	cfg.Addr = addr
	d, err := aioweb.Mount(cfg)
	if err != nil {
		return nil, err
	}
	return func(srv *control.Server) string { return "dashboard: " + d.URL(srv) }, nil
}

// checkWebAddr refuses, naming the flag, an address that is no HOST:PORT
// or not loopback ("" and "off" are none). The control server would
// refuse the latter too, but only once the program has booted, and its
// message is for programs (it names Config.TLS); aiotools has no TLS
// option, so a user is told how to reach the dashboard from elsewhere.
func checkWebAddr(addr string) error {
	if addr == "" || addr == "off" {
		return nil
	}
	host, err := checkHostPort("-web", addr, "127.0.0.1:8080") // flagcheck.go
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-web %q: the dashboard listens on loopback only (127.0.0.1, ::1 or localhost): "+
			"its token would cross the network in clear text; from another machine, tunnel to it (ssh -L 8080:127.0.0.1:8080 HOST)", addr)
	}
	return nil
}
