package aiometrics_test

import (
	"encoding/json"
	"expvar"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control/api"
)

func TestPublishStatsAsExpvar(t *testing.T) {
	p := newProgram(t)
	p.exercise(t)
	if err := aiometrics.PublishStats("aiotools_test", p.in); err != nil {
		t.Fatal(err)
	}
	if err := aiometrics.PublishStats("aiotools_test", p.in); err == nil {
		t.Error("publishing a name twice: no error")
	}
	var doc api.Stats
	if err := json.Unmarshal([]byte(expvar.Get("aiotools_test").String()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tasks["bad"].Status != "error" || doc.Goroutines == 0 || doc.Log == nil {
		t.Errorf("expvar document: %+v", doc)
	}
	// And through the handler, as /debug/vars serves it.
	mux := http.NewServeMux()
	aiometrics.MountExpvar(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, aiometrics.PathExpvar, nil))
	var vars map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &vars); err != nil || vars["aiotools_test"] == nil || vars["memstats"] == nil {
		t.Errorf("/debug/vars: %v, keys %d", err, len(vars))
	}
}
