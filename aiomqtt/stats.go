package aiomqtt

// The retained stats topic, aiotools/ID/stats: the program's stats
// document (api.Stats, what the stats verb and GET /stats give), so the
// CLI, the dashboard and the fleet read one schema. It is bounded in size
// (MaxStatsPayload) because a broker or a subscriber may refuse large
// messages and a retained one is sent to every new subscriber.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control/api"
)

// MaxStatsPayload bounds the stats payload a device publishes (64 KiB:
// within what hosted brokers take, e.g. 128 KB on AWS IoT). A document
// over it leaves out the tasks' details (own stats, result, error,
// schedule), then the tasks, and says so in its Omitted field; the stats
// verb over aiotools/ID/ctl always answers the whole document.
const MaxStatsPayload = 64 << 10

// What a bounded stats document left out (api.Stats.Omitted).
const (
	omitDetails = "task details"
	omitTasks   = "tasks"
)

// encodeStats is doc as JSON within limit bytes, trimmed as
// MaxStatsPayload says; doc is not changed.
func encodeStats(doc *api.Stats, limit int) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil || len(b) <= limit {
		return b, err
	}
	short := *doc
	short.Omitted = omitDetails
	short.Tasks = make(map[string]api.TaskStats, len(doc.Tasks))
	for n, t := range doc.Tasks {
		short.Tasks[n] = api.TaskStats{Status: t.Status, Since: t.Since, DoneAt: t.DoneAt, Service: t.Service, Restarts: t.Restarts}
	}
	if b, err = json.Marshal(&short); err != nil || len(b) <= limit {
		return b, err
	}
	// Homie's retained topics still carry every task's state.
	short.Omitted = omitTasks
	short.Tasks = map[string]api.TaskStats{}
	if b, err = json.Marshal(&short); err != nil || len(b) <= limit {
		return b, err
	}
	return nil, fmt.Errorf("mqtt: the stats document is %d bytes without its tasks, over the bound of %d", len(b), limit)
}

// publishStats publishes the stats document retained (QoS 0: the next
// one replaces a lost one).
func (d *Device) publishStats(ctx context.Context, cm *autopaho.ConnectionManager) {
	doc, _ := d.in.Stats(false) // no pattern: no error
	b, err := encodeStats(doc, MaxStatsPayload)
	if err != nil {
		d.counts.PubErrors.Add(1)
		d.log.Warn("mqtt: stats not published", "device", d.id, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, pubTimeout)
	defer cancel()
	if _, err := cm.Publish(ctx, &paho.Publish{Topic: fleet.StatsTopic(d.id), QoS: 0, Retain: true, Payload: b}); err != nil {
		d.counts.PubErrors.Add(1)
	}
}
