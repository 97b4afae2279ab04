package aiometrics_test

import (
	"encoding/json"
	"expvar"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control/api"
)

var publishRun atomic.Int64

func TestPublishStatsAsExpvar(t *testing.T) {
	p := newProgram(t)
	p.exercise(t)
	// expvar names last as long as the process: one per run (-count).
	name := fmt.Sprintf("aiotools_test_%d", publishRun.Add(1))
	if err := aiometrics.PublishStats(name, p.in); err != nil {
		t.Fatal(err)
	}
	if err := aiometrics.PublishStats(name, p.in); err == nil {
		t.Error("publishing a name twice: no error")
	}
	var doc api.Stats
	if err := json.Unmarshal([]byte(expvar.Get(name).String()), &doc); err != nil {
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
	if err := json.Unmarshal(rec.Body.Bytes(), &vars); err != nil || vars[name] == nil || vars["memstats"] == nil {
		t.Errorf("/debug/vars: %v, keys %d", err, len(vars))
	}
}
