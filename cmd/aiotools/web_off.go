//go:build aiotools_noweb

package main

import (
	"errors"

	"github.com/aiotools-go/aiotools/control"
)

// demoWebDefault is "": this build has no dashboard.
const demoWebDefault = ""

const webUsage = "the web dashboard's address (this build has none: built with -tags aiotools_noweb)"

// mountWeb refuses an address: this build left the dashboard out.
func mountWeb(cfg *control.Config, addr string) (banner func(*control.Server) string, err error) {
	if addr == "" || addr == "off" {
		return func(*control.Server) string { return "" }, nil
	}
	return nil, errors.New("-web " + addr + ": this aiotools was built without the dashboard (-tags aiotools_noweb)")
}
