package aiomqtt

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// At a shutdown the fleet sees the services' tasks stop before the
// device goes: the mqtt service stops last and flushes what changed. A
// cleanly stopped device used to stay listed with its tasks running (or
// stopping), its last published states.
func TestShutdownPublishesTheStopsBeforeDisconnected(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	g := newGroup(t)
	r := aioservice.NewRegistry()
	r.MustRegister(aioservice.Define("hello", blink, struct{}{}))
	in, err := control.NewInterp(control.Components{Group: g})
	if err != nil {
		t.Fatal(err)
	}
	r.MustRegister(Service(in, Args{Broker: b.URL(), Device: "dev", StatsEvery: Duration(-1)}, WithLogger(quiet)))
	m := aioservice.NewManager(g, r, aioservice.WithOutput(&lines{line: make(chan struct{}, 1)}))
	defer m.Close(context.Background())
	s := sniff(t, b.URL(), "homie/5/dev/#")
	if err := m.LoadAll(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(m.Boot(t.Context()), m.Init(t.Context())); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "homie/5/dev/hello-service/state", "running")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	if _, err := m.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	var seen []string
	last := map[string]string{}
	for {
		m := s.waitForTopic(t, "homie/5/dev/hello-service/state", "homie/5/dev/mqtt-service/state", "homie/5/dev/$state")
		seen = append(seen, m.topic+"="+m.payload)
		if m.topic == "homie/5/dev/$state" && m.payload == "disconnected" {
			break
		}
		last[m.topic] = m.payload
	}
	// The device's own task too: it cannot publish its real end, so its
	// last word is stopped (it stayed "running").
	if last["homie/5/dev/hello-service/state"] != "stopped" || last["homie/5/dev/mqtt-service/state"] != "stopped" {
		t.Errorf("after the shutdown: %q, want hello-service and mqtt-service stopped before $state disconnected", seen)
	}
}

// The mqtt password is never shown: status debug and services get-config
// printed it ("password": "s3cret"), and over MQTT (--device X status
// mqtt.service debug) to any operator.
func TestPasswordIsShownMasked(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	cfg := filepath.Join(t.TempDir(), "services.config")
	if err := os.WriteFile(cfg, []byte(`{"mqtt": {"enabled": true, "args": {"broker": "`+b.URL()+
		`", "device": "pw", "user": "dev1", "password": "${MQTT_PASSWORD}", "stats_every": "-1s"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	g := newGroup(t)
	r := aioservice.NewRegistry()
	env := func(k string) (string, bool) {
		return map[string]string{"MQTT_PASSWORD": "s3cret"}[k], k == "MQTT_PASSWORD"
	}
	out := &lines{line: make(chan struct{}, 1)}
	m := aioservice.NewManager(g, r, aioservice.WithConfigFile(cfg), aioservice.WithEnv(env), aioservice.WithOutput(out))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("manager:\n%s", out)
		}
	})
	defer m.Close(context.Background())
	in, err := control.NewInterp(control.Components{Group: g, Services: m})
	if err != nil {
		t.Fatal(err)
	}
	r.MustRegister(Service(in, Args{}, WithLogger(quiet)))
	s := sniff(t, b.URL(), "homie/5/pw/$state")
	if err := m.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "homie/5/pw/$state", "ready") // it connected: the password was given
	for _, argv := range [][]string{{"status", "mqtt.service", "debug"}, {"services", "get-config", "mqtt"}} {
		for _, asJSON := range []bool{false, true} {
			res := in.Exec(t.Context(), argv, control.Options{JSON: asJSON})
			out := res.Text + string(mustJSON(t, res.Data))
			if res.Err != nil || strings.Contains(out, "s3cret") || !strings.Contains(out, `"`+SecretMask+`"`) {
				t.Errorf("%q (json %v): %v\n%s", argv, asJSON, res.Err, out)
			}
		}
	}
	// What status shows, set back, keeps the password.
	a := Args{Password: "s3cret"}
	shown, _ := json.Marshal(a)
	if err := json.Unmarshal(shown, &a); err != nil || a.Password != "s3cret" {
		t.Errorf("the mask set back: %q, %v; want the password kept", a.Password, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
