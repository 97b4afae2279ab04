package aiomqtt

import (
	"context"
	"encoding/json"
	"testing"
)

func TestHomeAssistantDiscoveryOnlyWhenAsked(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	startDevice(t, b.URL(), "plain", newGroup(t, "blink"))
	startDevice(t, b.URL(), "dev", newGroup(t, "blink", "other"), func(a *Args) { a.HomeAssistant = true })
	c := dial(t, b.URL())
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	got, err := c.Retained(ctx, "homeassistant/#")
	if err != nil {
		t.Fatal(err)
	}
	var sensor, button haConfig
	if err := json.Unmarshal(got["homeassistant/binary_sensor/dev/blink/config"], &sensor); err != nil {
		t.Fatalf("binary_sensor config: %v (topics %d)", err, len(got))
	}
	if sensor.StateTopic != "homie/5/dev/blink/state" || sensor.AvailabilityTopic != "homie/5/dev/$state" || sensor.Device.Name != "dev" {
		t.Errorf("sensor %+v", sensor)
	}
	if err := json.Unmarshal(got["homeassistant/button/dev/blink-restart/config"], &button); err != nil {
		t.Fatal(err)
	}
	if button.CommandTopic != "homie/5/dev/blink/action/set" || button.PayloadPress != "restart" {
		t.Errorf("button %+v", button)
	}
	if len(got) != 2*4 {
		t.Errorf("%d discovery topics, want 8 (dev's two tasks; none for plain)", len(got))
	}
	// A deleted task's entities go away.
	s := sniff(t, b.URL(), "homeassistant/#")
	if r := execOne(t, c, "dev", "delete", "other"); !r.OK {
		t.Fatal(r)
	}
	s.waitFor(t, "homeassistant/binary_sensor/dev/other/config", "")
}
