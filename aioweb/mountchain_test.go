package aioweb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// TestMountKeepsEarlierHandlers: a handler another package mounted first
// (aiometrics' /metrics in aiotools demo) still answers beside the
// dashboard, and the dashboard's pages are there too.
func TestMountKeepsEarlierHandlers(t *testing.T) {
	cfg := control.Config{
		Components: control.Components{Group: aioctl.NewGroup()},
		Mount: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "metrics here") })
		},
	}
	d, err := Mount(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	mux := http.NewServeMux()
	cfg.Mount(mux)
	for path, want := range map[string]int{"/metrics": http.StatusOK, "/": http.StatusOK} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
		if path == "/metrics" && rec.Body.String() != "metrics here" {
			t.Errorf("GET /metrics answered %q: the earlier handler was replaced", rec.Body.String())
		}
	}
	if _, err := Mount(&cfg); err == nil {
		t.Error("a second Mount on the same config (MountGuard set) was not refused")
	}
}
