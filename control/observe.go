package control

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
)

// RequestInfo is one command the interpreter ran (Exec or Stream), as
// request observers see it: metrics count requests by verb and code.
type RequestInfo struct {
	// Verb is the verb's full name ("status", "set args"), or "" for a
	// command that names no verb of the table: it is always one of a
	// bounded set, fit for a metric label.
	Verb string
	// Code is the error code, or "" when the command succeeded.
	Code Code
	// Stream says the command streamed (log -f, follow).
	Stream bool
	// Duration is how long it took (a stream: until it ended).
	Duration time.Duration
}

// observers are the functions ObserveRequests registered; a copy-on-write
// list, so that a request reads it without a lock.
type observers struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*func(RequestInfo)]
}

// ObserveRequests calls fn after each command Exec or Stream runs, on the
// goroutine that ran it, until the returned function is called. fn must
// be quick and must not block.
func (in *Interp) ObserveRequests(fn func(RequestInfo)) (cancel func()) {
	o := &in.obs
	p := &fn
	o.mu.Lock()
	var next []*func(RequestInfo)
	if cur := o.list.Load(); cur != nil {
		next = append(next, *cur...)
	}
	o.list.Store(ptr(append(next, p)))
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		var next []*func(RequestInfo)
		if cur := o.list.Load(); cur != nil {
			for _, x := range *cur {
				if x != p {
					next = append(next, x)
				}
			}
		}
		o.list.Store(&next)
	}
}

func ptr[T any](v T) *T { return &v }

// observed reports a command to the observers; start is when it began
// (zero when nobody observes, so that an unobserved request reads no clock).
func (o *observers) observed(start time.Time, verb string, err *Error, stream bool) {
	l := o.list.Load()
	if l == nil || len(*l) == 0 {
		return
	}
	if _, ok := api.LookupVerb(verb); !ok {
		verb = ""
	}
	ri := RequestInfo{Verb: verb, Stream: stream}
	if !start.IsZero() {
		ri.Duration = time.Since(start)
	}
	if err != nil {
		ri.Code = err.Code
	}
	for _, fn := range *l {
		(*fn)(ri)
	}
}

// begin is the start time of a request when somebody observes.
func (o *observers) begin() time.Time {
	if l := o.list.Load(); l == nil || len(*l) == 0 {
		return time.Time{}
	}
	return time.Now()
}

func asErrorOrNil(err error) *Error {
	if err == nil {
		return nil
	}
	return asError(err)
}
