package aiomqtt

import (
	"context"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

type pingArgs struct {
	Times int `arg:"N"`
}

// A verb the program registered runs over MQTT as a built-in does
// (the request checks the verb against the interpreter's table, not the
// built-in one only).
func TestUserVerbOverMQTT(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t, "blink")
	d, _ := startDevice(t, b.URL(), "dev", g)
	err := d.in.Register(control.UserVerb{Name: "ping", Summary: "answer pong N times",
		Run: control.Func(func(_ context.Context, a pingArgs) (string, error) { return strings.Repeat("pong ", a.Times), nil })})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, b.URL())
	if r := execOne(t, c, "dev", "ping", "2"); !r.OK || r.Text != "pong pong \n" {
		t.Errorf("ping 2 over MQTT: %+v", r)
	}
	if r := execOne(t, c, "dev", "ping", "x"); r.OK || r.Error == nil || r.Error.Code != control.CodeBadArgument || !strings.Contains(r.Error.Message, `N: "x" is not an int`) {
		t.Errorf("ping x over MQTT: %+v", r)
	}
	if r := execOne(t, c, "dev", "help"); !strings.Contains(r.Text, "this program's verbs:\n  ping N") {
		t.Errorf("help over MQTT does not list ping:\n%s", r.Text)
	}
}
