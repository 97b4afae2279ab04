package aioschedule

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Scheduling, unscheduling, stopping and starting from many goroutines
// while time moves must not race, deadlock or leak the goroutine.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	noop := func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }
	const n = 20
	for i := 0; i < n; i++ {
		aioctl.MustAdd(e.g, noop, struct{}{}, aioctl.WithName("t"+strconv.Itoa(i)), aioctl.Deferred())
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				name := "t" + strconv.Itoa((i*7+w)%n)
				switch i % 5 {
				case 0, 1:
					_ = e.s.Schedule(name, Spec{StartIn: time.Duration(i%3) * time.Second, Repeat: time.Second, Jitter: time.Millisecond})
				case 2:
					_ = e.s.Unschedule(name)
				case 3:
					_, _ = e.g.Stop(context.Background(), name)
				case 4:
					_, _ = e.g.Start(name)
				}
				_ = e.s.List()
				_, _ = e.g.Status()
			}
		}(w)
	}
	stop := make(chan struct{})
	var adv sync.WaitGroup
	adv.Add(1)
	go func() {
		defer adv.Done()
		for {
			select {
			case <-stop:
				return
			default:
				e.clk.Advance(100 * time.Millisecond)
				runtime.Gosched()
			}
		}
	}()
	wg.Wait()
	close(stop)
	adv.Wait()
	e.s.Close()
	waitIdle(t, e.s)
}
