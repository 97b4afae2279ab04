package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/control/api"
)

// Device is what a fleet listing shows of one device.
type Device struct {
	ID string `json:"id"`
	// Status is ONLINE ($state ready), INIT, OFFLINE (disconnected) or
	// LOST (the will: it died or its network did).
	Status string `json:"status"`
	// State is the raw Homie $state.
	State string `json:"state"`
	// LastSeen is the time of the device's last stats (zero: none).
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Uptime is the device's uptime at LastSeen.
	Uptime time.Duration `json:"uptime_ns,omitempty"`
	// Tasks counts the device's tasks by state (from Homie's topics).
	Tasks map[string]int `json:"tasks"`
	// Stats is the device's last stats document (aiotools/ID/stats: the
	// program's api.Stats, as `aioctl stats -o json` prints it), nil
	// before the first.
	Stats *api.Stats `json:"stats,omitempty"`
}

var statusOf = map[string]string{StateReady: "ONLINE", StateInit: "INIT", StateDisconnected: "OFFLINE", StateLost: "LOST"}

// settle is how long Retained waits after the last retained message.
const settle = 150 * time.Millisecond

// Retained subscribes to the topic filters and returns the retained
// messages the broker holds under them, by topic, once they stop coming
// (a quiet spell of 150 ms after the subscription). Later calls see the
// live updates of earlier subscriptions too.
func (c *Client) Retained(ctx context.Context, filters ...string) (map[string][]byte, error) {
	subs := make([]paho.SubscribeOptions, len(filters))
	for i, f := range filters {
		subs[i] = paho.SubscribeOptions{Topic: f, QoS: 1}
	}
	if err := c.subscribe(ctx, subs...); err != nil {
		return nil, fmt.Errorf("fleet: subscribing: %w", err)
	}
	c.mu.Lock()
	c.last = time.Now()
	c.mu.Unlock()
	for {
		c.mu.Lock()
		quiet := time.Since(c.last)
		c.mu.Unlock()
		if quiet >= settle {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(settle - quiet):
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]byte{}
	for t, p := range c.seen {
		for _, f := range filters {
			if TopicMatch(f, t) {
				out[t] = p
				break
			}
		}
	}
	return out, nil
}

// TopicMatch reports whether topic matches the MQTT filter (+ and #).
func TopicMatch(filter, topic string) bool {
	fs, ts := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, f := range fs {
		if f == "#" {
			return true
		}
		if i >= len(ts) || f != "+" && f != ts[i] {
			return false
		}
	}
	return len(fs) == len(ts)
}

// Devices lists the devices whose id matches pattern ('*' matches any
// run of characters; "" is every device), sorted by id, from the retained
// topics the broker holds: $state, each task's state, the stats.
func (c *Client) Devices(ctx context.Context, pattern string) ([]Device, error) {
	seen, err := c.Retained(ctx, HomieRoot+"+/$state", HomieRoot+"+/+/state", Root+"+/stats")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Device{}
	for topic, payload := range seen {
		id, ok := DeviceOf(topic)
		if !ok || !MatchID(pattern, id) {
			continue
		}
		d := byID[id]
		if d == nil {
			d = &Device{ID: id, Tasks: map[string]int{}}
			byID[id] = d
		}
		switch {
		case topic == StateTopic(id):
			d.State = string(payload)
		case topic == StatsTopic(id):
			var s api.Stats
			if json.Unmarshal(payload, &s) == nil {
				d.Stats = &s
				d.LastSeen, d.Uptime = s.Time, time.Duration(s.UptimeSeconds*float64(time.Second))
			}
		case strings.HasSuffix(topic, "/state"):
			d.Tasks[string(payload)]++
		}
	}
	var out []Device
	for _, d := range byID {
		if d.State == "" {
			continue // stats or values without a $state: no Homie device
		}
		d.Status = statusOf[d.State]
		if d.Status == "" {
			d.Status = strings.ToUpper(d.State)
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Device) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// MatchID reports whether the device id matches pattern: "" and "*"
// match all, '*' any run of characters, '?' one (path.Match).
func MatchID(pattern, id string) bool {
	if pattern == "" {
		return true
	}
	ok, err := path.Match(pattern, id)
	return err == nil && ok
}
