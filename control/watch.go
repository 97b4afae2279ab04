package control

import (
	"context"
	"strconv"
	"sync"

	"github.com/aiotools-go/aiotools/aioctl"
)

// watchBuffer bounds the changes a slow watcher may fall behind by;
// beyond it changes are counted as lost (the reader takes a new status
// snapshot), so a task never waits for a reader.
const watchBuffer = 256

// streamWatch streams the state changes of the matching tasks (all when
// no pattern): first one event per task with its current state ("NAME:
// STATE"), then one per change ("NAME: FROM -> TO (CAUSE)"), so a
// front end (aioctl top) redraws on events instead of polling. It reads
// the group's watchers (Group.Watch), which run on the goroutine that
// changed the state: the watcher only queues, never blocks.
func streamWatch(ctx context.Context, in *Interp, c *call, fn func(Event) error) error {
	g := in.c.Group
	match := func(name string) bool {
		if len(c.args) == 0 {
			return true
		}
		for _, p := range c.args {
			if aioctl.Match(p, name) {
				return true
			}
		}
		return false
	}
	var (
		mu   sync.Mutex
		lost uint64
	)
	ch := make(chan aioctl.Event, watchBuffer)
	cancel := g.Watch(func(e aioctl.Event) {
		if !match(e.Name) {
			return
		}
		select {
		case ch <- e:
		default:
			mu.Lock()
			lost++
			mu.Unlock()
		}
	})
	defer cancel()
	var seq uint64
	// The current states, after subscribing: a change between the two
	// is sent twice rather than missed.
	for _, name := range g.Names() {
		t, ok := g.Get(name)
		if !ok || !match(name) {
			continue
		}
		seq++
		if err := fn(Event{Seq: seq, Task: name, Text: esc(name) + ": " + t.State().String()}); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-ch:
			mu.Lock()
			n := lost
			lost = 0
			mu.Unlock()
			if n > 0 {
				if err := fn(Event{Lost: n, Text: strconv.FormatUint(n, 10) + " changes lost"}); err != nil {
					return err
				}
			}
			seq++
			text := esc(e.Name) + ": " + e.From.String() + " -> " + e.To.String() + " (" + e.Cause.String() + ")"
			if err := fn(Event{Seq: seq, Task: e.Name, Text: text}); err != nil {
				return err
			}
		}
	}
}
