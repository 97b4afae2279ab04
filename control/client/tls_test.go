package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
)

// A plain-text client talking to a TLS server is told so, with what to
// give, rather than "bad answer (HTTP 400): invalid character 'C'".
func TestPlainClientToTLSServer(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	cl, err := client.New(client.Options{Addr: addr, Token: "0123456789abcdef-secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	_, err = cl.Exec(t.Context(), []string{"status"}, api.Options{})
	want := "the server at " + addr + " speaks TLS: give --cacert FILE (or --tls)"
	if err == nil || err.Error() != want || !errors.Is(err, client.ErrSpeaksTLS) {
		t.Errorf("Exec = %v, want %q", err, want)
	}
	if _, err := cl.Verbs(t.Context()); err == nil || !strings.Contains(err.Error(), "speaks TLS") {
		t.Errorf("Verbs = %v", err)
	}
}
