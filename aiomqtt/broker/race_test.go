package broker

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// connect is a plain MQTT v5 client on the broker, disconnected when the
// test ends.
func connect(t *testing.T, b *Broker, id string) *paho.Client {
	t.Helper()
	conn, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c := paho.NewClient(paho.ClientConfig{ClientID: id, Conn: conn})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: id, KeepAlive: 30, CleanStart: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(&paho.Disconnect{}) })
	return c
}

// Retained messages set while others subscribe with wildcards (a fleet:
// devices publish their retained state while aioctl subscribes to
// homie/5/+/…) must not race inside the broker: mochi reads a topic's
// retained path without the lock it is written under; -race reported it
// in cmd/aioctl's fleet tests, on a will and on a publish.
func TestRetainWhileSubscribing(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const writers, readers, rounds = 2, 6, 400
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for w := range writers {
		c := connect(t, b, fmt.Sprint("w", w))
		wg.Go(func() {
			for i := range rounds {
				p := &paho.Publish{Topic: fmt.Sprintf("homie/5/d%d/n%d/state", w, i%4), Retain: true, Payload: []byte(fmt.Sprint(i))}
				if _, err := c.Publish(context.Background(), p); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for r := range readers {
		c := connect(t, b, fmt.Sprint("r", r))
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for i := range rounds / 4 {
				f := []string{"homie/5/+/+/state", "homie/5/#", "homie/5/+/+/+"}[i%3]
				if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: f, QoS: 0}}}); err != nil {
					errs <- err
					return
				}
				if _, err := c.Unsubscribe(ctx, &paho.Unsubscribe{Topics: []string{f}}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Devices that die: the broker publishes their retained wills.
	wg.Go(func() {
		for i := range rounds / 4 {
			conn, err := net.Dial("tcp", b.Addr())
			if err != nil {
				errs <- err
				return
			}
			c := paho.NewClient(paho.ClientConfig{ClientID: fmt.Sprint("dying-", i), Conn: conn})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err = c.Connect(ctx, &paho.Connect{ClientID: fmt.Sprint("dying-", i), KeepAlive: 30, CleanStart: true, WillMessage: &paho.WillMessage{
				Topic: fmt.Sprintf("homie/5/dying-%d/$state", i), Payload: []byte("lost"), Retain: true}})
			cancel()
			conn.Close() // no DISCONNECT: the will goes out
			if err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Closing the listener must not go through mochi's close function: it
// read-locks the clients twice and deadlocks with a client whose
// connection ends at that moment (guard.go's netListener); the broker's
// Close hung for ever in the aiomqtt tests. The listener's own Close
// still disconnects its clients.
func TestListenerCloseDisconnectsWithoutMochisCloseFn(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() }) // after the clients' own cleanups
	var cs []*paho.Client
	for i := range 3 {
		cs = append(cs, connect(t, b, fmt.Sprint("c", i)))
	}
	l, ok := b.srv.Listeners.Get("tcp")
	if !ok {
		t.Fatal("no tcp listener")
	}
	l.Close(func(string) { t.Error("mochi's closeListenerClients called: it can deadlock") })
	for i, c := range cs {
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("client %d still connected after the listener closed", i)
		}
	}
}
