package control

import (
	"net/http"

	"github.com/aiotools-go/aiotools/control/api"
)

// handleStats answers GET /stats (and /stats/debug) with the stats
// document; ?task=PATTERN (repeatable) picks tasks, as the stats verb's
// arguments do. It sits behind the same peer, token and limit checks as
// the API (Server.handler).
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, errorf(CodeMethodNotAllowed, r.URL.Path+" takes GET"))
		return
	}
	patterns := r.URL.Query()["task"]
	if len(patterns) > 64 {
		writeError(w, errorf(CodeBadRequest, "at most 64 task patterns"))
		return
	}
	doc, err := s.in.Stats(r.URL.Path == api.PathStatsDebug, patterns...)
	if err != nil {
		e := asError(err)
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}
