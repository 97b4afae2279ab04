package aiomqtt

// Home Assistant MQTT discovery (Args.HomeAssistant, off by default): each
// task is a binary_sensor (on while running) and three buttons (start,
// stop, restart), all available while the device's $state is ready. The
// configs are retained under homeassistant/…, as Home Assistant expects.

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/eclipse/paho.golang/autopaho"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
)

// haPrefix is Home Assistant's default discovery prefix.
const haPrefix = "homeassistant/"

type haDevice struct {
	Identifiers  []string `json:"identifiers"`
	Name         string   `json:"name"`
	Manufacturer string   `json:"manufacturer"`
}

type haConfig struct {
	Name                 string   `json:"name"`
	UniqueID             string   `json:"unique_id"`
	StateTopic           string   `json:"state_topic,omitempty"`
	ValueTemplate        string   `json:"value_template,omitempty"`
	DeviceClass          string   `json:"device_class,omitempty"`
	CommandTopic         string   `json:"command_topic,omitempty"`
	PayloadPress         string   `json:"payload_press,omitempty"`
	AvailabilityTopic    string   `json:"availability_topic"`
	AvailabilityTemplate string   `json:"availability_template"`
	Device               haDevice `json:"device"`
}

// haTopics are the discovery topics of a node, with their configs.
func (d *Device) haTopics(node, task string) map[string]haConfig {
	dev := haDevice{Identifiers: []string{"aiotools-" + d.id}, Name: d.id, Manufacturer: "aiotools"}
	base := haConfig{AvailabilityTopic: fleet.StateTopic(d.id),
		AvailabilityTemplate: "{{ 'online' if value == 'ready' else 'offline' }}", Device: dev}
	uid := "aiotools-" + d.id + "-" + node
	out := map[string]haConfig{}
	s := base
	s.Name, s.UniqueID = task, uid+"-running"
	s.StateTopic, s.DeviceClass = fleet.PropertyTopic(d.id, node, PropState), "running"
	s.ValueTemplate = "{{ 'ON' if value == 'running' else 'OFF' }}"
	out[haPrefix+"binary_sensor/"+d.id+"/"+node+"/config"] = s
	for _, a := range strings.Split(ActionFormat, ",") {
		b := base
		b.Name, b.UniqueID = task+" "+a, uid+"-"+a
		b.CommandTopic, b.PayloadPress = fleet.PropertyTopic(d.id, node, PropAction)+"/set", a
		out[haPrefix+"button/"+d.id+"/"+node+"-"+a+"/config"] = b
	}
	return out
}

// publishHA publishes the discovery configs of the nodes in ids and
// clears those of the nodes in gone.
func (d *Device) publishHA(ctx context.Context, cm *autopaho.ConnectionManager, ids, gone map[string]string) error {
	if !d.args.HomeAssistant {
		return nil
	}
	for task, node := range gone {
		for topic := range d.haTopics(node, task) {
			if err := d.retain(ctx, cm, topic, ""); err != nil {
				return err
			}
		}
	}
	for task, node := range ids {
		for topic, c := range d.haTopics(node, task) {
			b, _ := json.Marshal(c)
			if err := d.retain(ctx, cm, topic, string(b)); err != nil {
				return err
			}
		}
	}
	return nil
}
