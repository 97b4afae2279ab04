package aioweb

import (
	"net/http"
	"strings"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// The catch-all patterns of the dashboard: every path no other pattern
// takes with the request's method. They are more specific than the
// control server's "/" (which names only the API), and less specific
// than every page's, so a page asked with another method lands here too.
const (
	patRoot   = "/{$}"
	patOne    = "/{page}"
	patDeeper = "/{page}/{rest...}"
)

// probeMethods are the methods a path is tried with to say which it
// takes: the dashboard's patterns all name one of them (GET also answers
// HEAD).
var probeMethods = []string{http.MethodGet, http.MethodPost}

// noPage answers a request no pattern of mux takes: 405 with Allow when
// the path takes another method (a page asked with DELETE, the static
// files with POST, another mount's GET /metrics), else 404 naming the
// dashboard's pages and the API's endpoints. Codes as the API's.
func noPage(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probeMethods {
			p := r.Clone(r.Context())
			p.Method = m
			if _, pat := mux.Handler(p); pat != "" && !isCatchAll(pat) {
				allow = append(allow, m)
				if m == http.MethodGet {
					allow = append(allow, http.MethodHead)
				}
			}
		}
		path := quotePath(r.URL.Path)
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSONError(w, http.StatusMethodNotAllowed, string(control.CodeMethodNotAllowed),
				path+" takes "+strings.Join(allow, " or ")+", not "+r.Method)
			return
		}
		writeJSONError(w, http.StatusNotFound, string(control.CodeNoEndpoint), "no page "+path+
			": the dashboard's pages are /, /task?name=NAME, /log and /services; the API's endpoints "+
			api.PathExec+", "+api.PathStream+", "+api.PathVerbs+" and "+api.PathHealth)
	}
}

// isCatchAll reports whether pat, as mux.Handler gives it, is one of the
// dashboard's catch-alls or the control server's "/".
func isCatchAll(pat string) bool {
	return pat == "/" || pat == patRoot || pat == patOne || pat == patDeeper
}

// quotePath quotes a path the client sent for a message: Go syntax
// escapes every control and bidi character, and a long path is cut.
func quotePath(p string) string { return quoteCut([]byte(p)) }
