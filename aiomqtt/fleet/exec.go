package fleet

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/control/api"
)

// Answer is one device's answer to a request.
type Answer struct {
	Device   string        `json:"device"`
	Response *api.Response `json:"response,omitempty"`
	// Err is set when no answer came (timeout) or the request could not go.
	Err error `json:"-"`
}

// ErrNoAnswer is the error of a device that did not answer in time.
var ErrNoAnswer = errors.New("no answer")

// Exec sends argv to every device in devices at once and waits for the
// answers until ctx ends; the answers are in the order of devices, those
// that did not come with Err ErrNoAnswer.
func (c *Client) Exec(ctx context.Context, devices []string, argv []string, opt api.Options) []Answer {
	payload := EncodeRequest(argv, opt)
	out := make([]Answer, len(devices))
	chans := make([]chan *api.Response, len(devices))
	corrs := make([]string, len(devices))
	defer func() { // answers that never came: forget them
		c.mu.Lock()
		for _, k := range corrs {
			delete(c.pending, k)
		}
		c.mu.Unlock()
	}()
	for i, id := range devices {
		out[i].Device = id
		corr := make([]byte, 12)
		rand.Read(corr)
		ch := make(chan *api.Response, 1)
		chans[i], corrs[i] = ch, string(corr)
		c.mu.Lock()
		c.pending[string(corr)] = ch
		c.mu.Unlock()
		_, err := c.cm.Publish(ctx, &paho.Publish{Topic: CtlTopic(id), QoS: 1, Payload: payload,
			Properties: &paho.PublishProperties{ResponseTopic: c.reply, CorrelationData: corr, ContentType: ContentJSON}})
		if err != nil {
			out[i].Err = err
			c.mu.Lock()
			delete(c.pending, string(corr))
			c.mu.Unlock()
		}
	}
	for i, ch := range chans {
		if out[i].Err != nil {
			continue
		}
		select {
		case r := <-ch:
			out[i].Response = r
		case <-ctx.Done():
			out[i].Err = ErrNoAnswer
		}
	}
	return out
}

// FollowLease is how long a device follows its log for one streaming
// request; Follow renews it at a third of that.
const FollowLease = 60 * time.Second

// Follow asks each device to follow its log with the streaming command
// argv (log -f GREP) and calls fn with every line, on the client's
// goroutine, until ctx ends; it renews the devices' follows while it runs
// and stops them at the end. The first answers are returned as Exec's.
func (c *Client) Follow(ctx context.Context, devices, argv []string, fn func(device string, e api.Event)) []Answer {
	c.mu.Lock()
	c.onLog = fn
	c.mu.Unlock()
	subs := make([]paho.SubscribeOptions, len(devices))
	for i, id := range devices {
		subs[i] = paho.SubscribeOptions{Topic: LogTopic(id), QoS: 0}
	}
	if err := c.subscribe(ctx, subs...); err != nil {
		out := make([]Answer, len(devices))
		for i, id := range devices {
			out[i] = Answer{Device: id, Err: err}
		}
		return out
	}
	ask := func() []Answer {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return c.Exec(actx, devices, argv, api.Options{})
	}
	first := ask()
	go func() {
		t := time.NewTicker(FollowLease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				ask()
			}
		}
	}()
	return first
}

// StopFollow asks the devices to stop following their logs.
func (c *Client) StopFollow(devices []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, id := range devices {
		c.cm.Publish(ctx, &paho.Publish{Topic: CtlTopic(id), QoS: 1, Payload: StopFollowRequest,
			Properties: &paho.PublishProperties{ResponseTopic: c.reply, ContentType: ContentJSON}})
	}
}
