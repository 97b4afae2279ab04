package aiomqtt

// Requests: a command line on aiotools/ID/ctl (or aiotools/$broadcast/ctl)
// runs through the interpreter, and its answer goes to the request's
// Response Topic with its Correlation Data; a Homie set
// (homie/5/ID/NODE/action/set, …/enabled/set) starts, stops or restarts a
// task or enables a service.

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/clock"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// reqQueue is how many requests may wait for the worker; more are dropped.
const reqQueue = 32

// execTimeout bounds one request's run.
const execTimeout = 30 * time.Second

type inbound struct {
	topic   string
	payload []byte
	ctype   string
	reply   string
	corr    []byte
}

// receive sorts an incoming publish (on paho's goroutine: it never blocks).
func (d *Device) receive(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	if p.Topic == fleet.StateTopic(d.id) {
		d.stateSeen(string(p.Payload)) // not a request: not counted
		return true, nil
	}
	if d.onRecv != nil {
		defer d.onRecv()
	}
	if p.Retain {
		// A retained request would act at every (re)connection: never.
		d.counts.Dropped.Add(1)
		return true, nil
	}
	in := inbound{topic: p.Topic, payload: p.Payload}
	if p.Properties != nil {
		in.ctype, in.reply, in.corr = p.Properties.ContentType, p.Properties.ResponseTopic, p.Properties.CorrelationData
	}
	isCtl := p.Topic == fleet.CtlTopic(d.id) || p.Topic == fleet.CtlTopic(fleet.Broadcast)
	if isCtl && !fleet.ValidTopicName(in.reply) {
		d.counts.Dropped.Add(1) // nowhere to answer (or a wildcard): not run
		return true, nil
	}
	if !d.limit.take() {
		d.counts.Dropped.Add(1)
		return true, nil
	}
	select {
	case d.reqs <- in:
	default:
		d.counts.Dropped.Add(1)
	}
	return true, nil
}

// stateSeen handles a value of the device's own $state seen live: its
// own init, ready and disconnected come back and are ignored; "lost"
// while connected is the will of a connection the broker noticed dead
// after the device had reconnected, or another client's write. Either
// way the retained state is wrong: everything is republished, ending
// with ready.
func (d *Device) stateSeen(v string) {
	if v != fleet.StateLost {
		return
	}
	d.mu.Lock()
	connected := d.conn != nil
	d.full = d.full || connected
	d.mu.Unlock()
	if connected {
		d.log.Info("mqtt: $state lost seen while connected (a late will); republishing", "device", d.id)
		d.poke()
	}
}

// work runs the requests one at a time until ctx ends.
func (d *Device) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case in := <-d.reqs:
			if strings.HasSuffix(in.topic, "/set") {
				d.homieSet(ctx, in)
			} else {
				d.request(ctx, in)
			}
			d.poke() // a request may have added or removed tasks
		}
	}
}

func (d *Device) request(ctx context.Context, in inbound) {
	res := d.run(ctx, in)
	body, err := control.EncodeResult(res)
	if err != nil {
		body, _ = control.EncodeResult(&control.Result{Exit: api.ExitFailure, Err: api.NewError(api.CodeInternal, "encoding the result: "+err.Error())})
	}
	d.mu.Lock()
	cm := d.conn
	d.mu.Unlock()
	if cm == nil {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := cm.Publish(pctx, &paho.Publish{Topic: in.reply, QoS: 1, Payload: body,
		Properties: &paho.PublishProperties{CorrelationData: in.corr, ContentType: fleet.ContentJSON}}); err != nil {
		d.counts.PubErrors.Add(1)
		d.log.Warn("mqtt: reply", "device", d.id, "err", err)
	}
}

// run decodes and runs one request: nothing runs unless the whole request
// is good and its verb is allowed over MQTT.
func (d *Device) run(ctx context.Context, in inbound) *control.Result {
	req, err := fleet.DecodeRequest(in.payload, in.ctype)
	if err != nil {
		return d.refuse(nil, asAPIError(err))
	}
	if req.StopFollow {
		d.counts.Requests.Add(1)
		if d.stopFollow() {
			return &control.Result{Text: "stopped following the log\n"}
		}
		return &control.Result{Text: "no log follow was running\n"}
	}
	argv, opt := req.Argv, req.Options
	v, err := d.in.FindVerb(argv) // the program's own verbs too
	if err != nil {
		return d.refuse(argv, asAPIError(err))
	}
	if d.denied(v.Name) {
		return d.refuse(argv, api.NewError(api.CodeUnauthorized, v.Name+" is not allowed over MQTT on this device (the mqtt service's args.allow lists the verbs to allow)"))
	}
	d.counts.Requests.Add(1)
	if d.in.IsStream(argv) {
		return d.startFollow(ctx, v.Name, argv)
	}
	ctx, cancel := context.WithTimeout(ctx, execTimeout)
	defer cancel()
	return d.in.Exec(ctx, argv, opt)
}

func (d *Device) refuse(argv []string, e *api.Error) *control.Result {
	d.counts.Refused.Add(1)
	r := &control.Result{Exit: api.ExitFor(e.Code), Err: e}
	if len(argv) > 0 {
		r.Verb = argv[0]
	}
	return r
}

func asAPIError(err error) *api.Error {
	if e, ok := err.(*api.Error); ok {
		return e
	}
	return api.NewError(api.CodeBadRequest, err.Error())
}

// denied reports whether verb may not run over MQTT.
func (d *Device) denied(verb string) bool {
	return slices.Contains(DefaultDenied, verb) && !slices.Contains(d.args.Allow, verb)
}

// homieSet handles homie/5/ID/NODE/PROP/set: action start|stop|restart,
// enabled true|false. Homie sets get no answer: a bad one is logged.
func (d *Device) homieSet(ctx context.Context, in inbound) {
	rest := strings.TrimPrefix(in.topic, fleet.HomieRoot+d.id+"/")
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		return
	}
	d.mu.Lock()
	task, ok := d.byNode[parts[0]]
	d.mu.Unlock()
	if !ok {
		d.log.Warn("mqtt: set for an unknown node", "node", parts[0])
		return
	}
	val := string(in.payload)
	var argv []string
	switch parts[1] {
	case PropAction:
		if !slices.Contains(strings.Split(ActionFormat, ","), val) {
			d.log.Warn("mqtt: action: want start, stop or restart", "task", task)
			return
		}
		argv = []string{val, task}
	case PropEnabled:
		svc, isSvc := strings.CutSuffix(task, aioservice.Suffix)
		word := map[string]string{"true": "enable", "false": "disable"}[val]
		if !isSvc || word == "" {
			d.log.Warn("mqtt: enabled: a service's, true or false", "task", task)
			return
		}
		argv = []string{"services", word, svc}
	default:
		return
	}
	ctx, cancel := context.WithTimeout(ctx, execTimeout)
	defer cancel()
	d.counts.Requests.Add(1)
	if r := d.in.Exec(ctx, argv, control.Options{}); r.Err != nil {
		d.log.Warn("mqtt: set", "task", task, "err", r.Err.Message)
	}
	if parts[1] == PropEnabled {
		d.mu.Lock()
		d.dirty[task] = true // enabled is no task state: no event comes
		d.mu.Unlock()
	}
}

// bucket is a token bucket on a clock: rate tokens a second, at most burst.
type bucket struct {
	mu     sync.Mutex
	clk    clock.Clock
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(c clock.Clock, rate float64, burst int) *bucket {
	return &bucket{clk: c, rate: rate, burst: float64(burst), tokens: float64(burst), last: c.Now()}
}

func (b *bucket) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clk.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
