// Package aiomqtt is fleet mode: it puts a program's tasks on an MQTT
// broker as a Homie 5 device and runs the control verbs it is sent, so one
// aioctl (`aioctl --broker URL --device 'demo-*' status`) or any Homie
// controller steers many programs. It is the device side; the steering
// side is package aiomqtt/fleet (which links nothing of this one), the
// embedded broker package aiomqtt/broker.
//
// # Running it
//
// A program makes a Device over its control interpreter and runs it:
//
//	d, err := aiomqtt.New(interp, aiomqtt.Args{Broker: "mqtt://127.0.0.1:1883"})
//	go d.Run(ctx) // until ctx ends
//
// or registers Service(interp, Args{}) and enables it in services.config
// ("mqtt": {"enabled": true, "args": {"broker": "mqtts://host:8883", "device": "${HOSTNAME}",
// "ca": "ca.pem", "user": "dev1", "password": "${MQTT_PASSWORD}"}}), as
// `aiotools run` does. The connection is eclipse/paho.golang's autopaho
// (MQTT v5): it reconnects with exponential backoff (0.2 s to 15 s), and
// every publish and subscribe is bounded in time. What is published is
// state, not a queue: each retained topic holds its latest value, and a
// new connection republishes them all (a broker that restarted without
// persistence gets everything back); so memory is bounded by the number
// of topics, whatever the outage.
//
// # Topics (Homie 5)
//
// The device id is Args.Device, else $HOSTNAME, else the host name,
// mapped by fleet.HomieID. Under homie/5/ID:
//
//   - $state, retained: init, then ready once everything below is
//     published; disconnected on a clean stop; lost is the connection's
//     will, which the broker publishes when the device dies or its network
//     does (keep-alive 30 s). A will that comes after the device has
//     reconnected (the broker noticed the old connection's end late)
//     would leave a live device lost: the device watches its own $state
//     and answers a lost seen while connected by publishing everything
//     again, ending with ready.
//   - $description, retained: {"homie": "5.0", "version": V, "nodes": …},
//     one node per task (a service is its main task, "hello.service"), with
//     the properties state (enum scheduled, running, done, stopped, error,
//     failed, restarting, gave-up, stopping), since and next-run (datetime:
//     the next schedule run or restart), result, error, restarts (integer),
//     enabled (boolean, services only, settable: writes services.config)
//     and action (enum start, stop, restart; settable, not retained). It is
//     republished with a greater version (with $state init, then ready)
//     whenever the set of tasks changes; the values of a node that went
//     away are cleared.
//   - NODE/PROPERTY, retained: the values, published on every state change
//     from the group's events (aioctl.Group.Watch), never by polling. A
//     property without a value (no error, no next run) has its topic
//     cleared. A task added and not yet run appears at its first state
//     change or request.
//   - NODE/action/set and NODE/enabled/set: Homie's way to steer (a
//     controller's button, or mosquitto_pub -t homie/5/ID/blink/action/set
//     -m restart).
//
// Node ids come from task names by fleet.HomieID: lower case, every run of
// other characters than a-z and 0-9 becomes one '-' ("world_task" is
// world-task). Names that map to the same id are never merged: the first
// in sorted order keeps the id, the others get "-2", "-3"… (a warning is
// logged, and the node's name is the task's real name).
//
// aiotools/ID/log carries the ring log's lines while a client follows it
// (a streaming request: see Requests). With Args.HomeAssistant (off by
// default) the device also publishes Home Assistant discovery configs:
// each task a binary_sensor (running) and start/stop/restart buttons,
// available while $state is ready.
//
// aiotools/ID/stats, retained, every Args.StatsEvery (default 30 s) and
// on each (re)connection: the program's stats document, api.Stats, the
// one `aioctl stats -o json` and GET /stats give (host, version, uptime,
// memory, goroutines, GC, disk, reset cause where the platform tells it,
// the ring log's use, each task's status and own stats). It is at most
// MaxStatsPayload bytes: a larger document leaves out the tasks' details,
// then the tasks, and names what it left out in "omitted".
//
// # Requests
//
// A request on aiotools/ID/ctl, or aiotools/$broadcast/ctl for every
// device, carries one command line ("stop blink", as typed in aioctl
// shell) or an api.Request JSON object ({"argv": [...], "output": "json"}).
// It needs an MQTT v5 Response Topic: the answer, the same JSON as the
// control socket's (control.EncodeResult), goes there with the request's
// Correlation Data. The whole command table is there, through the same
// interpreter, with the same checks: an unknown verb or a bad argument
// gets an error reply and does nothing. Besides:
//
//   - the verbs in DefaultDenied (services add, remove, config) are refused
//     (unauthorized) unless Args.Allow names them;
//   - a streaming verb (log -f GREP, follow) answers at once and starts a
//     follow: the log's lines go to aiotools/ID/log, one api.Event JSON
//     each (QoS 0), for FollowLease; repeating the request renews it (a new
//     one replaces the old), {"follow": "stop"} ends it; at most LogRate
//     lines a second, the next line sent carrying the count of those
//     dropped ("lost");
//   - a payload over fleet.MaxRequestBytes gets too_large;
//   - a retained request is ignored (it would act at every connection),
//     and so is one without a Response Topic or with a wildcard in it;
//   - requests over Args.Rate a second (bursts of Args.Burst) are dropped,
//     as are those that find the queue of 32 full; requests run one at a
//     time, each for at most 30 s.
//
// Counts says how many ran, were refused and were dropped.
//
// # Security
//
// Use mqtts:// (Args.CA, Cert, Key) and credentials beyond a trusted
// network, and a broker ACL that lets each device publish only under its
// own ids and read only its own ctl topic (the README has mosquitto's).
// A device runs nothing outside its command table.
package aiomqtt
