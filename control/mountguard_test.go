package control_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// TestMountGuard: the mounted handlers' guard (the dashboard's cookie
// check) sees the TCP requests outside /v1/ that carry no Authorization
// header, with the server's token; the API under /v1/ still wants the
// bearer token, whatever the guard would say.
func TestMountGuard(t *testing.T) {
	p := newProgram(t)
	const token = "0123456789abcdef0123456789abcdef"
	var gotToken string
	p.serve(t, control.Config{Socket: "-", Addr: "127.0.0.1:0", Token: token,
		Mount: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
		},
		MountGuard: func(tok string, next http.Handler) http.Handler {
			gotToken = tok
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Let-In") != "yes" { // the guard's own rule
					http.Error(w, "guard says no", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
			})
		}})
	if gotToken != token {
		t.Errorf("MountGuard got token %q, want the server's", gotToken)
	}
	base := "http://" + p.srv.Addr().String()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	do := func(method, path string, hdr map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"argv": ["status"]}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	for _, tc := range []struct {
		method, path string
		hdr          map[string]string
		want         int
	}{
		{"GET", "/page", nil, 401},                                            // the guard's refusal
		{"GET", "/page", map[string]string{"X-Let-In": "yes"}, 200},           // the guard's pass
		{"POST", "/v1/exec", map[string]string{"X-Let-In": "yes"}, 401},       // the API is not the guard's
		{"GET", "/page", map[string]string{"Authorization": "Bearer x"}, 401}, // a wrong bearer token is refused by the server
		{"GET", "/page", map[string]string{"Authorization": "Bearer " + token}, 200},
		{"POST", "/v1/exec", map[string]string{"Authorization": "Bearer " + token}, 200},
	} {
		if got, body := do(tc.method, tc.path, tc.hdr); got != tc.want {
			t.Errorf("%s %s %v: %d %s, want %d", tc.method, tc.path, tc.hdr, got, body, tc.want)
		}
	}
}
