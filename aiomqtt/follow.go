package aiomqtt

// Log streaming: a streaming request (log -f [GREP], follow) starts a
// follow of the ring log whose lines go to aiotools/ID/log, one
// api.Event JSON per message (QoS 0, never retained), for FollowLease;
// repeating the request renews it (a new one replaces the old), and
// {"follow": "stop"} ends it. Lines beyond LogRate a second are dropped
// and counted: the next line sent carries the count in its "lost" field
// (with the ring's own losses).

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
)

// FollowLease is how long a follow lasts unless renewed.
const FollowLease = fleet.FollowLease

// LogRate and LogBurst bound the lines a follow publishes a second.
const (
	LogRate  = 50
	LogBurst = 100
)

// follow is a running log follow.
type follow struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// stopFollow ends the running follow, if any, and waits for it.
func (d *Device) stopFollow() bool {
	d.mu.Lock()
	f := d.follow
	d.follow = nil
	d.mu.Unlock()
	if f == nil {
		return false
	}
	f.cancel()
	<-f.done
	return true
}

// startFollow replaces the running follow with one of argv (checked: it
// streams) and answers at once.
func (d *Device) startFollow(ctx context.Context, v string, argv []string) *control.Result {
	d.stopFollow()
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FollowLease)
	f := &follow{cancel: cancel, done: make(chan struct{})}
	// A stream that fails before its first line (no log attached) is the
	// request's answer; one that runs answers "following".
	first := make(chan error, 1)
	limit := newBucket(d.g.Clock(), LogRate, LogBurst)
	var lost uint64
	go func() {
		defer close(f.done)
		defer cancel()
		started := false
		err := d.in.Stream(fctx, argv, func(e api.Event) error {
			if d.onFollow != nil {
				defer d.onFollow()
			}
			if !started {
				started = true
				first <- nil
			}
			if !limit.take() {
				lost++
				return nil
			}
			e.Lost += lost
			d.mu.Lock()
			cm := d.conn
			d.mu.Unlock()
			if cm == nil {
				lost = e.Lost + 1
				return nil
			}
			lost = 0
			b, _ := json.Marshal(e)
			pctx, pcancel := context.WithTimeout(fctx, pubTimeout)
			defer pcancel()
			if _, err := cm.Publish(pctx, &paho.Publish{Topic: fleet.LogTopic(d.id), QoS: 0, Payload: b}); err != nil {
				lost += 1 + e.Lost
			}
			return nil
		})
		if !started {
			first <- err
		}
	}()
	d.mu.Lock()
	d.follow = f
	d.mu.Unlock()
	// The ring's follow replays a few lines first: wait for the first
	// event or the stream's end, bounded by the lease.
	select {
	case err := <-first:
		if err != nil {
			return d.refuse([]string{v}, asAPIError(err))
		}
	case <-time.After(100 * time.Millisecond):
		// A follow with nothing to replay yet: it runs.
	}
	return &control.Result{Verb: v, Text: "following the log on " + fleet.LogTopic(d.id) + " for " +
		strconv.Itoa(int(FollowLease/time.Second)) + " s (repeat to renew; {\"follow\": \"stop\"} stops)\n"}
}
