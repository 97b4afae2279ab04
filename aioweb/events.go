package aioweb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// hub tells the open status streams that a task changed state. Each
// stream has a channel of one: a burst of changes wakes it once, and it
// sends one snapshot taken after them (a slow browser skips snapshots,
// it never lags behind).
type hub struct {
	cancel func()
	mu     sync.Mutex
	seq    uint64 // counts the changes: the events' ids
	subs   map[chan struct{}]struct{}
}

func newHub(g *aioctl.Group) *hub {
	h := &hub{subs: map[chan struct{}]struct{}{}}
	h.cancel = g.Watch(func(aioctl.Event) { h.notify() })
	return h
}

func (h *hub) notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default: // already woken
		}
	}
}

func (h *hub) subscribe() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}
}

func (h *hub) current() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

func (h *hub) close() { h.cancel() }

// heartbeat is how often an idle stream sends a comment, so that a
// connection a proxy or the OS dropped is noticed and reopened.
const heartbeat = 25 * time.Second

// sse is an open Server-Sent Events answer.
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func startSSE(w http.ResponseWriter) (*sse, error) {
	rc := http.NewResponseController(w)
	// A stream lives longer than the server's read and write timeouts.
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return &sse{w: w, rc: rc}, rc.Flush()
}

// send writes one event; data is JSON, so it holds no newline and cannot
// end the event early whatever a task name or log line contains.
func (s *sse) send(id, event string, data []byte) error {
	s.rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if id != "" {
		fmt.Fprintf(s.w, "id: %s\n", id)
	}
	if event != "" {
		fmt.Fprintf(s.w, "event: %s\n", event)
	}
	fmt.Fprintf(s.w, "data: %s\n\n", data)
	return s.rc.Flush()
}

func (s *sse) ping() error {
	s.rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprint(s.w, ": ping\n\n")
	return s.rc.Flush()
}

// eventID is an event's id: the dashboard's epoch (random, so that the
// ids of a program that restarted are not taken for this one's) and n.
func (d *Dashboard) eventID(n uint64) string { return d.epoch + "." + strconv.FormatUint(n, 10) }

// lastEventID is the number in the id the browser saw last: the
// Last-Event-ID header when EventSource reconnects, or ?last= on a page's
// first connection. ok is false without one, or for another epoch's.
func (d *Dashboard) lastEventID(r *http.Request) (n uint64, ok bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last")
	}
	epoch, num, found := strings.Cut(v, ".")
	if !found || epoch != d.epoch {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil && n > 0
}

// statusEvents streams "status" events: the status of every task (the
// status verb's JSON), once at the start and again after every change of
// a task's state. The id counts changes; a browser reconnecting with the
// id of the state it shows gets no snapshot until the next change.
func (d *Dashboard) statusEvents(w http.ResponseWriter, r *http.Request) {
	wake, unsubscribe := d.hub.subscribe()
	defer unsubscribe()
	s, err := startSSE(w)
	if err != nil {
		return
	}
	ctx := r.Context()
	send := func() error {
		seq := d.hub.current() // before the snapshot: it shows at least this change
		data, err := d.statusJSON(ctx)
		if err != nil {
			return s.send("", "failure", mustJSON(err.Error()))
		}
		return s.send(d.eventID(seq), "status", data)
	}
	if last, ok := d.lastEventID(r); !ok || last != d.hub.current() || last == 0 {
		if send() != nil {
			return
		}
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			err = send()
		case <-tick.C:
			err = s.ping()
		}
		if err != nil {
			return
		}
	}
}

// statusJSON is the status verb's JSON: every task, no log lines.
func (d *Dashboard) statusJSON(ctx context.Context) ([]byte, error) {
	res := d.in.Exec(ctx, []string{"status", "--lines", "0"}, control.Options{JSON: true})
	if res.Err != nil {
		return nil, res.Err
	}
	return json.Marshal(res.Data)
}

// logReplay is how many lines a log stream shows first.
const logReplay = 200

// logEvents streams the ring log as the follow verb gives it: ?grep= (with
// ?mode=regexp a regular expression, else a substring, or a pattern when
// it has '*'), ?level= (the lowest level shown), ?task=. Each line's id is
// its sequence number; a browser reconnecting with Last-Event-ID gets the
// lines after it that the ring still holds, then a "lost" event for
// those it no longer does.
func (d *Dashboard) logEvents(w http.ResponseWriter, r *http.Request) {
	argv, err := d.followArgv(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, "bad_argument", err.Error())
		return
	}
	// The log verb takes follow's filters: run it for one line, so that a
	// bad pattern, level or task is answered now, with the verb's message
	// and status, rather than as a stream that fails.
	check := append([]string{"log"}, argv[1:]...)
	check[2] = "1" // --lines 1
	if res := d.in.Exec(r.Context(), check, control.Options{JSON: true}); res.Err != nil {
		writeJSON(w, res.Err.HTTPStatus(), execAnswer{Error: res.Err})
		return
	}
	s, err := startSSE(w)
	if err != nil {
		return
	}
	last, resume := d.lastEventID(r)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	lines := make(chan control.Event, 256)
	done := make(chan error, 1)
	go func() {
		done <- d.in.Stream(ctx, argv, func(ev control.Event) error {
			select {
			case lines <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	if resume && last > 0 {
		// Lines the ring overwrote while the browser was away: say so
		// rather than show a silent gap (some may not have matched).
		if log := d.in.Components().Log; log != nil {
			if first := log.Stats().FirstSeq; first > last+1 {
				ev := control.Event{Text: "lines lost while disconnected", Lost: first - last - 1}
				if s.send("", "line", mustJSON(ev)) != nil {
					return
				}
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				s.send("", "failure", mustJSON(err.Error()))
			}
			return
		case ev := <-lines:
			if resume && ev.Seq != 0 && ev.Seq <= last {
				continue // the browser has it
			}
			id := ""
			if ev.Seq != 0 {
				id = d.eventID(ev.Seq)
			}
			if s.send(id, "line", mustJSON(ev)) != nil {
				return
			}
		case <-tick.C:
			if s.ping() != nil {
				return
			}
		}
	}
}

// followArgv turns the log page's query into the follow verb's words.
func (d *Dashboard) followArgv(r *http.Request) ([]string, error) {
	q := r.URL.Query()
	argv := []string{"follow"}
	n := logReplay
	if _, ok := d.lastEventID(r); ok {
		n = 1000 // the lines since the last one seen are among them, if the ring still has them
	}
	argv = append(argv, "--lines", strconv.Itoa(n))
	if t := q.Get("task"); t != "" {
		argv = append(argv, "--task", t)
	}
	if l := q.Get("level"); l != "" {
		argv = append(argv, "--level", l)
	}
	switch q.Get("mode") {
	case "", "text":
	case "regexp":
		argv = append(argv, "--regexp")
	default:
		return nil, fmt.Errorf("mode: want text or regexp, got %q", q.Get("mode"))
	}
	if g := q.Get("grep"); g != "" {
		argv = append(argv, "--", g)
	} else if q.Get("mode") == "regexp" {
		argv = argv[:len(argv)-1] // an empty regexp is no filter
	}
	return argv, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(err.Error())
	}
	return b
}
