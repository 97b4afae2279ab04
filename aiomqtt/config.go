package aiomqtt

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/aioservice"
)

// Args are the mqtt service's arguments, the "args" of its services.config
// entry:
//
//	"mqtt": {"enabled": true, "args": {"broker": "mqtts://host:8883", "device": "${HOSTNAME}",
//	                                   "ca": "/etc/aiotools/ca.pem", "user": "dev1",
//	                                   "password": "${MQTT_PASSWORD}"}}
type Args struct {
	// Broker is the broker's URL: mqtt://host:1883 (tcp://), mqtts://host:8883
	// (tls://, ssl://) or ws:// / wss://.
	Broker string `json:"broker"`
	// Device is the device id; "" takes $HOSTNAME, then the host name. It is
	// mapped to a Homie id (fleet.HomieID): "Kitchen Pi" is "kitchen-pi".
	Device string `json:"device,omitempty"`
	// CA is a PEM file of the CAs that sign the broker's certificate (the
	// system's pool when empty); Cert and Key a client certificate.
	CA   string `json:"ca,omitempty"`
	Cert string `json:"cert,omitempty"`
	Key  string `json:"key,omitempty"`
	// User and Password are the MQTT credentials (PasswordFile: read from a
	// file). Password is shown masked wherever the arguments are shown
	// (Secret); a password in the Broker URL is not: use Password or
	// PasswordFile.
	User         string `json:"user,omitempty"`
	Password     Secret `json:"password,omitempty"`
	PasswordFile string `json:"password_file,omitempty"`
	// Allow lists the verbs that are refused over MQTT by default
	// (DefaultDenied: services add, remove and config) to allow anyway.
	Allow []string `json:"allow,omitempty"`
	// Rate is how many requests per second the device takes (default 20,
	// bursts of Burst, default 40); over it, requests are dropped unanswered.
	Rate  float64 `json:"rate,omitempty"`
	Burst int     `json:"burst,omitempty"`
	// StatsEvery is the period of the retained stats (default 30s; "-1s" never).
	StatsEvery Duration `json:"stats_every,omitzero"`
	// HomeAssistant publishes Home Assistant discovery configs: each task
	// a binary_sensor (running) and start/stop/restart buttons.
	HomeAssistant bool `json:"home_assistant,omitempty"`
	// KeepAlive is the MQTT keep-alive in seconds (default 30): a device
	// that goes silent for 1.5 times it is "lost" through its will.
	KeepAlive uint16 `json:"keepalive,omitempty"`
}

// Secret is a string that JSON shows as SecretMask, so that status
// debug, services get-config and answers over MQTT never carry it.
// Decoding the mask keeps the value it stands for: arguments edited from
// what status showed (set args, services config) keep their password.
type Secret string

// SecretMask is how a non-empty Secret is written in JSON; a services
// config change that sends it back keeps the file's value.
const SecretMask = aioservice.SecretMask

// MarshalJSON writes "xxxxx" (or "" for an empty secret).
func (s Secret) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte(`""`), nil
	}
	return []byte(`"` + SecretMask + `"`), nil
}

// UnmarshalJSON takes a string; the mask leaves the secret as it is.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v != SecretMask {
		*s = Secret(v)
	}
	return nil
}

// Duration is a time.Duration written as "30s" in JSON.
type Duration time.Duration

// UnmarshalJSON takes "30s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if v, err := time.ParseDuration(s); err == nil {
		*d = Duration(v)
		return nil
	}
	var secs float64
	if _, err := fmt.Sscan(s, &secs); err != nil {
		return fmt.Errorf("duration %s: want \"30s\" or seconds", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalJSON writes "30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

// DefaultDenied are the verbs a device refuses over MQTT unless Args.Allow
// names them: they install, remove or rewrite services on the device.
var DefaultDenied = []string{"services add", "services remove", "services config"}

// DeviceID is the Homie id of the device: configured, else $HOSTNAME, else
// the host name, mapped by fleet.HomieID.
func DeviceID(configured string, getenv func(string) string) string {
	id := configured
	if id == "" {
		id = getenv("HOSTNAME")
	}
	if id == "" {
		id, _ = os.Hostname()
	}
	return fleet.HomieID(id)
}

// brokerURL parses and checks a broker URL.
func brokerURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("mqtt: no broker given (args.broker: mqtt://host:1883)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("mqtt: broker %q: %w", s, err)
	}
	switch u.Scheme {
	case "mqtt", "tcp", "mqtts", "tls", "ssl", "ws", "wss":
	default:
		return nil, fmt.Errorf("mqtt: broker %q: scheme %q: want mqtt, mqtts, tcp, tls, ssl, ws or wss", s, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("mqtt: broker %q: no host", s)
	}
	return u, nil
}

// tlsConfig is the TLS configuration from CA, Cert and Key (nil when none
// is given: the system's roots serve mqtts:// then).
func tlsConfig(ca, cert, key string) (*tls.Config, error) {
	if ca == "" && cert == "" && key == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("mqtt: ca: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt: ca %s: no PEM certificate in it", ca)
		}
	}
	if cert != "" || key != "" {
		if cert == "" || key == "" {
			return nil, errors.New("mqtt: cert and key go together")
		}
		kp, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("mqtt: cert/key: %w", err)
		}
		c.Certificates = []tls.Certificate{kp}
	}
	return c, nil
}

// password is Password, or the first line of PasswordFile.
func (a *Args) password() ([]byte, error) {
	if a.PasswordFile == "" {
		return []byte(a.Password), nil
	}
	b, err := os.ReadFile(a.PasswordFile)
	if err != nil {
		return nil, fmt.Errorf("mqtt: password_file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return []byte(strings.TrimRight(line, "\r")), nil
}
