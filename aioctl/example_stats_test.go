package aioctl_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A task reports its own figures with WithStats; status carries them.
func ExampleWithStats() {
	g := aioctl.NewGroup()
	defer g.Close(context.Background())

	var reads atomic.Int64
	type meterStats struct {
		Reads int64  `json:"reads"`
		Unit  string `json:"unit"`
	}
	t := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) {
		reads.Add(int64(n))
		return n, nil
	}, 3, aioctl.WithName("meter"), aioctl.WithStats(func() meterStats {
		return meterStats{Reads: reads.Load(), Unit: "kWh"}
	}))
	<-t.Done()

	sts, _ := g.Status("meter")
	fmt.Println(sts[0].Name, string(sts[0].Stats))
	// Output: meter {"reads":3,"unit":"kWh"}
}
