package aiomqtt

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/eclipse/paho.golang/autopaho"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
)

var envLookup = os.Getenv

// publishDescription publishes $state init, then the $description of the
// tasks in all with a new version, and clears the retained values of the
// nodes that went away. names are all's names, sorted.
func (d *Device) publishDescription(ctx context.Context, cm *autopaho.ConnectionManager, all []aioctl.TaskStatus, names []string) error {
	ids, collisions := fleet.AssignIDs(names)
	for _, c := range collisions {
		d.log.Warn("mqtt: task names collide as Homie ids", "detail", c.String())
	}
	if err := d.retain(ctx, cm, fleet.StateTopic(d.id), fleet.StateInit); err != nil {
		return err
	}
	desc := description{Homie: "5.0", Name: d.g.Name(), Nodes: map[string]node{}}
	for i := range all {
		desc.Nodes[ids[all[i].Name]] = nodeOf(all[i].Name, all[i].Service != nil)
	}
	// Versions only grow, across restarts of the program too.
	v := time.Now().UnixMilli()
	if v <= d.version {
		v = d.version + 1
	}
	desc.Version = v
	b, err := json.Marshal(desc)
	if err != nil {
		return err
	}
	if err := d.retain(ctx, cm, fleet.DescriptionTopic(d.id), string(b)); err != nil {
		return err
	}
	d.version = v
	gone := map[string]string{}
	for _, old := range d.names {
		if id, ok := ids[old]; ok && id == d.ids[old] {
			continue
		}
		gone[old] = d.ids[old]
		for _, p := range valueProps {
			topic := fleet.PropertyTopic(d.id, d.ids[old], p)
			if _, ok := d.sent[topic]; !ok {
				continue
			}
			if err := d.retain(ctx, cm, topic, ""); err != nil {
				return err
			}
			delete(d.sent, topic)
		}
	}
	if err := d.publishHA(ctx, cm, ids, gone); err != nil {
		return err
	}
	d.names, d.ids = names, ids
	byNode := make(map[string]string, len(ids))
	for n, id := range ids {
		byNode[id] = n
	}
	d.mu.Lock()
	d.byNode = byNode
	d.mu.Unlock()
	return nil
}
