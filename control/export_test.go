package control

import (
	"context"
	"log/slog"
	"net"
	"net/http"
)

// SetAllowUID replaces the peer uid check of c (the tests run as one user
// and cannot connect as another).
func SetAllowUID(c *Config, f func(uid uint32) bool) { c.allowUID = f }

// PanicVerbForTest runs a verb whose implementation panics.
func PanicVerbForTest(in *Interp) *Result {
	v := Verb{Name: "boom", MaxArgs: -1}
	c := &call{verb: &v, impl: impl{run: func(context.Context, *Interp, *call) (*Result, error) { panic("boom") }}, flags: map[string]string{}}
	res, err := in.run(context.Background(), c)
	if res == nil {
		res = &Result{}
	}
	res.Err = asError(err)
	return res
}

// HandlerForTest returns the HTTP handler a server over in serves (the
// TCP one, behind the token guard, when token is set), without listening:
// for fuzzing the request decoding.
func HandlerForTest(in *Interp, token string) http.Handler {
	cfg := Config{Interp: in, Token: token, Logger: slog.New(slog.DiscardHandler)}
	setDefaults(&cfg)
	s := &Server{cfg: cfg, in: in, log: cfg.Logger, token: token}
	return s.handler(token != "")
}

// SetTrackHookForTest makes f run first in each listener's ConnState
// hook (nil removes it); f may block to hold a connection there.
func SetTrackHookForTest(f func(net.Conn, http.ConnState)) {
	if f == nil {
		trackHook.Store(nil)
		return
	}
	trackHook.Store(&f)
}
