//go:build aiotools_noweb

package main

import (
	"fmt"

	"github.com/aiotools-go/aiotools/control"
)

// demoWebDefault is "": this build has no dashboard.
const demoWebDefault = ""

const webUsage = "the web dashboard's address (this build has none: built with -tags aiotools_noweb)"

// mountWeb refuses an address: this build left the dashboard out.
func mountWeb(cfg *control.Config, addr string) (banner func(*control.Server) string, err error) {
	if err := checkWebAddr(addr); err != nil {
		return nil, err
	}
	return func(*control.Server) string { return "" }, nil
}

// checkWebAddr refuses any address but "" and "off" (none), with the
// other flags: this build has no dashboard.
func checkWebAddr(addr string) error {
	if addr == "" || addr == "off" {
		return nil
	}
	return fmt.Errorf("-web %q: this aiotools was built without the dashboard (-tags aiotools_noweb)", addr)
}
