package top

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// Fleet is the Source of the devices on an MQTT broker (fleet mode):
// their retained Homie topics and stats make the snapshots, a message
// that changes one is the event that redraws it, and verbs go to a
// device by MQTT request/response.
type Fleet struct {
	Client *fleet.Client
	// Broker names the broker, for the title.
	Broker string
	// Pattern keeps the devices whose id matches it ("" or "*": all).
	Pattern string

	descs map[string]cachedDesc // by device: a description decodes once (Run's goroutine only)
}

// cachedDesc is a device's $description, decoded, with its payload.
type cachedDesc struct {
	raw  string
	desc homieDescription
}

// Name implements Source.
func (f *Fleet) Name() string { return f.Broker }

// EmptyText is what the screen says while no device is known: the
// client is connected (Dial returned), so it is not waiting for the
// broker but for a device ("waiting for mqtt://…" read as a broker that
// did not answer when only the pattern matched nothing).
func (f *Fleet) EmptyText() string {
	if f.Pattern != "" && f.Pattern != "*" {
		return "no device matching " + strconv.Quote(termsafe.String(f.Pattern)) + " on " + termsafe.String(f.Broker) + " (yet)"
	}
	return "no device on " + termsafe.String(f.Broker) + " (yet)"
}

// The retained topics a fleet screen reads.
var fleetFilters = []string{
	fleet.HomieRoot + "+/$state", fleet.HomieRoot + "+/$description",
	fleet.HomieRoot + "+/+/+", fleet.Root + "+/stats",
}

// Run implements Source: it subscribes once, sends every device, then a
// new snapshot of each device a message changed. It keeps the messages
// by device itself, so a rebuild reads one device's, not the fleet's.
func (f *Fleet) Run(ctx context.Context, updates chan<- Snapshot) error {
	var (
		mu    sync.Mutex
		dirty = map[string]bool{}
		byDev = map[string]map[string][]byte{} // device → topic → payload
	)
	keep := func(topic string, payload []byte) (string, bool) {
		id, ok := fleet.DeviceOf(topic)
		if !ok || !fleet.MatchID(f.Pattern, id) {
			return "", false
		}
		m := byDev[id]
		if m == nil {
			m = map[string][]byte{}
			byDev[id] = m
		}
		if len(payload) == 0 {
			delete(m, topic)
		} else {
			m[topic] = payload
		}
		return id, true
	}
	kick := make(chan struct{}, 1)
	f.Client.OnChange(func(topic string, payload []byte) {
		mu.Lock()
		id, ok := keep(topic, payload)
		if ok {
			dirty[id] = true
		}
		mu.Unlock()
		if ok {
			select {
			case kick <- struct{}{}:
			default:
			}
		}
	})
	defer f.Client.OnChange(nil)
	seen, err := f.Client.Retained(ctx, fleetFilters...)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	mu.Lock()
	for t, p := range seen {
		if id, ok := keep(t, p); ok {
			dirty[id] = true
		}
	}
	mu.Unlock()
	for {
		mu.Lock()
		var snaps []Snapshot
		for id := range dirty {
			if s, ok := f.snapshot(id, byDev[id]); ok {
				snaps = append(snaps, s)
			}
		}
		clear(dirty)
		mu.Unlock()
		for _, s := range snaps {
			select {
			case updates <- s:
			case <-ctx.Done():
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-kick:
		}
		// A change comes as several messages (state, since, result…),
		// and a fleet sends many: gather them for a frame's time, so a
		// device is rebuilt and the screen redrawn once for the lot.
		t := time.NewTimer(batchWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// batchWait is how long Fleet gathers messages before a rebuild: one
// frame of the renderer (fps).
const batchWait = time.Second / fps

// homieDescription is the part of a device's $description top reads:
// node id → the task's name and whether it is a service.
type homieDescription struct {
	Nodes map[string]struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"nodes"`
}

// snapshot builds a device's Snapshot from its messages; ok is
// false for an id with no $state (not a Homie device).
func (f *Fleet) snapshot(id string, msgs map[string][]byte) (Snapshot, bool) {
	state, ok := msgs[fleet.StateTopic(id)]
	if !ok {
		return Snapshot{}, false
	}
	s := Snapshot{Key: id, Device: id, Online: string(state) == fleet.StateReady}
	if !s.Online {
		s.Err = strings.ToUpper(string(state))
	}
	// The stats topic carries the program's stats document, as the
	// stats verb gives it to the local view.
	if b, ok := msgs[fleet.StatsTopic(id)]; ok {
		var st api.Stats
		if json.Unmarshal(b, &st) == nil {
			s.Seen, s.Stats = st.Time, &st
		}
	}
	desc := f.description(id, msgs[fleet.DescriptionTopic(id)])
	tasks := map[string]*api.TaskStatus{}
	var order []string
	for topic, v := range msgs {
		rest, ok := strings.CutPrefix(topic, fleet.HomieRoot+id+"/")
		node, prop, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || strings.HasPrefix(node, "$") || strings.Contains(prop, "/") {
			continue
		}
		t := tasks[node]
		if t == nil {
			t = &api.TaskStatus{Name: node}
			if n, ok := desc.Nodes[node]; ok {
				if n.Name != "" {
					t.Name = n.Name
				}
				if n.Type == "aiotools-service" {
					t.Service = &api.ServiceInfo{}
				}
			}
			tasks[node] = t
			order = append(order, node)
		}
		switch prop {
		case "state":
			t.State = string(v)
		case "since":
			t.Since, _ = time.Parse(time.RFC3339Nano, string(v))
		case "result":
			t.ResultText = string(v)
		case "error":
			t.Error = string(v)
		case "restarts":
			t.Restarts, _ = strconv.Atoi(string(v))
		}
	}
	for _, node := range order {
		if t := tasks[node]; t.State != "" {
			s.Tasks = append(s.Tasks, *t)
		}
	}
	return s, true
}

// description decodes a device's $description, once for each payload.
func (f *Fleet) description(id string, raw []byte) homieDescription {
	if c, ok := f.descs[id]; ok && c.raw == string(raw) {
		return c.desc
	}
	var d homieDescription
	json.Unmarshal(raw, &d)
	if f.descs == nil {
		f.descs = map[string]cachedDesc{}
	}
	f.descs[id] = cachedDesc{string(raw), d}
	return d
}

// Exec implements Source: a request to one device.
func (f *Fleet) Exec(ctx context.Context, device string, argv []string, opt api.Options) (*api.Response, error) {
	ans := f.Client.Exec(ctx, []string{device}, argv, opt)
	if ans[0].Err != nil {
		return nil, ans[0].Err
	}
	if r := ans[0].Response; r != nil && r.Error != nil {
		return r, r.Error
	}
	return ans[0].Response, nil
}

// Stream implements Source: the device follows its log onto the broker
// until ctx ends.
func (f *Fleet) Stream(ctx context.Context, device string, argv []string, fn func(api.Event) error) error {
	events := make(chan api.Event, 256)
	ans := f.Client.Follow(ctx, []string{device}, argv, func(_ string, e api.Event) {
		select {
		case events <- e:
		default: // a slow screen loses lines rather than stall the client
		}
	})
	defer f.Client.StopFollow([]string{device})
	if ans[0].Err != nil {
		return ans[0].Err
	}
	if r := ans[0].Response; r != nil && r.Error != nil {
		return r.Error
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-events:
			if err := fn(e); err != nil {
				if errors.Is(err, context.Canceled) {
					return nil
				}
				return err
			}
		}
	}
}
