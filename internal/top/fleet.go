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
}

// Name implements Source.
func (f *Fleet) Name() string { return f.Broker }

// The retained topics a fleet screen reads.
var fleetFilters = []string{
	fleet.HomieRoot + "+/$state", fleet.HomieRoot + "+/$description",
	fleet.HomieRoot + "+/+/+", fleet.Root + "+/stats",
}

// Run implements Source: it subscribes once, sends every device, then a
// new snapshot of each device a message changed.
func (f *Fleet) Run(ctx context.Context, updates chan<- Snapshot) error {
	var (
		mu    sync.Mutex
		dirty = map[string]bool{}
	)
	kick := make(chan struct{}, 1)
	f.Client.OnChange(func(topic string) {
		id, ok := fleet.DeviceOf(topic)
		if !ok || !fleet.MatchID(f.Pattern, id) {
			return
		}
		mu.Lock()
		dirty[id] = true
		mu.Unlock()
		select {
		case kick <- struct{}{}:
		default:
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
	ids := map[string]bool{}
	for t := range seen {
		if id, ok := fleet.DeviceOf(t); ok && fleet.MatchID(f.Pattern, id) {
			ids[id] = true
		}
	}
	for {
		for id := range ids {
			s, ok := f.snapshot(id)
			if !ok {
				continue
			}
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
		mu.Lock()
		ids, dirty = dirty, map[string]bool{}
		mu.Unlock()
	}
}

// deviceStats is what a device publishes retained on aiotools/ID/stats
// (aiomqtt.Stats, which this client side does not link).
type deviceStats struct {
	Time       time.Time `json:"time"`
	Uptime     float64   `json:"uptime_s"`
	Goroutines int       `json:"goroutines"`
	HeapBytes  uint64    `json:"heap_bytes"`
	SysBytes   uint64    `json:"sys_bytes"`
	Version    string    `json:"version"`
}

// homieDescription is the part of a device's $description top reads:
// node id → the task's name and whether it is a service.
type homieDescription struct {
	Nodes map[string]struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"nodes"`
}

// snapshot builds a device's Snapshot from the messages held; ok is
// false for an id with no $state (not a Homie device).
func (f *Fleet) snapshot(id string) (Snapshot, bool) {
	msgs := f.Client.Seen(fleet.HomieRoot+id+"/", fleet.StatsTopic(id))
	state, ok := msgs[fleet.StateTopic(id)]
	if !ok {
		return Snapshot{}, false
	}
	s := Snapshot{Key: id, Device: id, Online: string(state) == fleet.StateReady}
	if !s.Online {
		s.Err = strings.ToUpper(string(state))
	}
	var st deviceStats
	if b, ok := msgs[fleet.StatsTopic(id)]; ok && json.Unmarshal(b, &st) == nil {
		s.Seen = st.Time
		s.Stats = &api.Stats{Host: id, Version: st.Version, Time: st.Time, UptimeSeconds: st.Uptime,
			Goroutines: st.Goroutines, Memory: api.Memory{HeapAlloc: st.HeapBytes, HeapInuse: st.HeapBytes, Sys: st.SysBytes}}
	}
	var desc homieDescription
	json.Unmarshal(msgs[fleet.DescriptionTopic(id)], &desc)
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
