package aiometrics

import (
	"expvar"
	"fmt"
	"net/http"

	"github.com/aiotools-go/aiotools/control"
)

// PathExpvar is where MountExpvar serves the expvar variables.
const PathExpvar = "/debug/vars"

// PublishStats publishes in's stats document (api.Stats, as the stats
// verb and GET /stats give it) as the expvar variable name: each read of
// /debug/vars takes a fresh one. expvar's names are global to the
// process and cannot be taken back, so a name already published is an
// error rather than expvar's panic.
func PublishStats(name string, in *control.Interp) error {
	if expvar.Get(name) != nil {
		return fmt.Errorf("aiometrics: expvar %q is already published", name)
	}
	expvar.Publish(name, expvar.Func(func() any {
		doc, err := in.Stats(false)
		if err != nil {
			return map[string]string{"error": err.Error()}
		}
		return doc
	}))
	return nil
}

// MountExpvar adds GET /debug/vars (expvar's handler: every published
// variable, memstats and cmdline included) to mux, for
// control.Config.Mount: behind the control server's checks, unlike
// expvar's own registration on http.DefaultServeMux.
func MountExpvar(mux *http.ServeMux) {
	mux.Handle("GET "+PathExpvar, expvar.Handler())
}
