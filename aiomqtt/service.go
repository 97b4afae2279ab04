package aiomqtt

import (
	"context"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// ServiceName is the mqtt service's name (its task is "mqtt.service").
const ServiceName = "mqtt"

// Service returns the mqtt service over the interpreter in: register it
// (aioservice.Registry.Register) and enable it in services.config with
// its Args:
//
//	"mqtt": {"enabled": true, "args": {"broker": "mqtt://127.0.0.1:1883", "device": "${HOSTNAME}"}}
//
// It is disabled unless the config enables it ("enabled": true; args
// alone leave it disabled) or defaults, when given, name a broker. Its
// task runs a Device until stopped: a stop publishes $state
// disconnected, a crash leaves the will's lost. Manager.Shutdown stops it
// after the other services (aioservice.WithStopLast), so their tasks'
// last states are published before it goes.
func Service(in *control.Interp, defaults Args, opts ...Option) *aioservice.Service {
	run := func(ctx context.Context, a Args) (string, error) {
		d, err := New(in, a, opts...)
		if err != nil {
			return "", err
		}
		if t := aioctl.FromContext(ctx); t != nil {
			d.self = t.Name()
		}
		if err := d.Run(ctx); err != nil {
			return "", err
		}
		u, _ := brokerURL(a.Broker) // New checked it
		return "disconnected from " + u.Redacted(), nil
	}
	// Stopped after every other service: the device publishes their
	// tasks' states, so a fleet sees them stopped before $state
	// disconnected, not frozen at running.
	sopts := []aioservice.Option{aioservice.WithInfo("fleet mode: Homie 5 device and request/response on MQTT"), aioservice.WithStopLast()}
	if defaults.Broker == "" {
		sopts = append(sopts, aioservice.WithDisabled())
	}
	return aioservice.Define(ServiceName, run, defaults, sopts...)
}
