package broker

import (
	"bytes"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// retainGuard works around a data race in mochi (v2.7.9): a wildcard
// subscription reads each topic's retained path (TopicsIndex.scanMessages)
// without the lock a retained publish writes it under (RetainMessage). A
// fleet does both all the time: devices publish retained state while
// aioctl subscribes to homie/5/+/…; -race reported it in cmd/aioctl's
// fleet tests (TestRetainWhileSubscribing reproduces it). The hook makes
// a subscription's processing a reader and a retained publish or will a
// writer of one RWMutex:
//
//   - OnSubscribe takes the read lock; OnPacketProcessed of the SUBSCRIBE
//     releases it (processPacket calls it whenever processSubscribe, whose
//     first step is OnSubscribe, returns).
//   - OnPublish of a retained message takes the write lock; the PUBLISH's
//     OnPacketProcessed releases it (a publish refused before OnPublish
//     took nothing: held says so).
//   - OnWill of a retained will sent at once takes the write lock;
//     OnWillSent releases it (a delayed will returns between the two, so
//     it takes nothing: the fleet's wills have no delay).
//
// The broker has no inline client (its Subscribe/Publish would call the
// hooks without OnPacketProcessed). Left unguarded: the $SYS topics mochi
// retains each second, which a wildcard scan reads only for a filter
// starting with $SYS (nothing in aiotools subscribes to them). A subscriber holds the read lock while
// mochi writes it the retained messages, at most until its connection's
// deadline (1.5 × keep-alive).
type retainGuard struct {
	mqtt.HookBase
	rw sync.RWMutex

	mu   sync.Mutex
	held map[held]bool // the write locks taken, by client and kind
}

// held names a write lock a client's goroutine took: for a PUBLISH
// (will false) or for its will.
type held struct {
	cl   *mqtt.Client
	will bool
}

// ID implements mqtt.Hook.
func (g *retainGuard) ID() string { return "aiotools-retain-guard" }

// Provides implements mqtt.Hook.
func (g *retainGuard) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnSubscribe, mqtt.OnPublish, mqtt.OnPacketProcessed, mqtt.OnWill, mqtt.OnWillSent}, []byte{b})
}

func (g *retainGuard) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	g.rw.RLock()
	return pk
}

func (g *retainGuard) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Retain {
		g.lock(held{cl, false})
	}
	return pk, nil
}

func (g *retainGuard) OnPacketProcessed(cl *mqtt.Client, pk packets.Packet, _ error) {
	switch pk.FixedHeader.Type {
	case packets.Subscribe:
		g.rw.RUnlock()
	case packets.Publish:
		g.unlock(held{cl, false})
	}
}

func (g *retainGuard) OnWill(cl *mqtt.Client, will mqtt.Will) (mqtt.Will, error) {
	if will.Retain && will.WillDelayInterval == 0 {
		g.lock(held{cl, true})
	}
	return will, nil
}

func (g *retainGuard) OnWillSent(cl *mqtt.Client, _ packets.Packet) { g.unlock(held{cl, true}) }

func (g *retainGuard) lock(h held) {
	g.rw.Lock()
	g.mu.Lock()
	if g.held == nil {
		g.held = map[held]bool{}
	}
	g.held[h] = true
	g.mu.Unlock()
}

// unlock releases the write lock h took, if it took one.
func (g *retainGuard) unlock(h held) {
	g.mu.Lock()
	ok := g.held[h]
	delete(g.held, h)
	g.mu.Unlock()
	if ok {
		g.rw.Unlock()
	}
}
