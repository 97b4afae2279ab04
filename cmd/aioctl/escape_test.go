package main

import (
	"bytes"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// hostileJSON is a JSON string body that decodes to text that would drive
// a terminal (OSC retitle, CSI clear, C1 CSI, bidi override, NUL, DEL,
// CR), with the C1 and bidi characters raw as encoding/json leaves them.
const hostileJSON = `\u001b]0;PWNED\u0007\u001b[2J` + "\u009b2J \u202eevil\u2066 \x7f" + `\u0000\r`

// hostileServer answers every command with hostile text, error, data and
// stream events, as a broken or hostile program could.
func hostileServer(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "evil.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/exec", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"verb":"x","ok":false,"exit":1,"text":"` + hostileJSON + `\n● x: ` + hostileJSON + `\n",` +
			`"error":{"code":"internal` + hostileJSON + `","message":"` + hostileJSON + `"},` +
			`"data":{"name":"` + hostileJSON + `","list":["` + hostileJSON + `"]}}`))
	})
	mux.HandleFunc("/v1/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(`data: {"seq":1,"text":"` + hostileJSON + `","task":"` + hostileJSON + `"}` + "\n\n" +
			"event: error\n" + `data: {"code":"internal","message":"` + hostileJSON + `"}` + "\n\n"))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sock
}

// TestCLIPrintsNothingRaw runs every verb of the table, as text and as
// JSON, and the shell, against a server that answers with hostile
// strings: aioctl's own printing (answers, error messages, stream events)
// lets no control byte (but newline and tab), DEL, C1 or bidi control
// through.
func TestCLIPrintsNothingRaw(t *testing.T) {
	sock := hostileServer(t)
	check := func(what, s string) {
		t.Helper()
		if i := termsafe.FirstUnsafe(s, true); i >= 0 {
			t.Errorf("%s: unescaped byte %#x at %d: %q", what, s[i], i, s)
		}
	}
	for _, v := range control.Verbs() {
		if v.Name == "help" {
			continue // cobra's own help
		}
		args := strings.Fields(v.Name)
		for i := 0; i < v.MinArgs; i++ {
			args = append(args, "x")
		}
		if v.Stream && v.Name == "log" {
			args = append(args, "-f")
		}
		for _, out := range []string{"text", "json"} {
			var so, se bytes.Buffer
			run(append([]string{"--socket", sock, "-o", out}, args...), strings.NewReader(""), &so, &se)
			check(strings.Join(args, " ")+" -o "+out+": stdout", so.String())
			check(strings.Join(args, " ")+" -o "+out+": stderr", se.String())
			if so.Len()+se.Len() == 0 {
				t.Errorf("%s -o %s: no output", args, out)
			}
		}
	}
	for _, out := range []string{"text", "json"} {
		var so, se bytes.Buffer
		a := &app{stdout: &so, stderr: &se, output: out, socket: sock}
		if _, err := a.client(); err != nil {
			t.Fatal(err)
		}
		a.shellLine(t.Context(), "status")
		a.shellLine(t.Context(), "log '\x1b]0;x\x07")
		a.cl.Close()
		check("shell -o "+out+": stdout", so.String())
		check("shell -o "+out+": stderr", se.String())
	}
}
