package aiosystemd_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiosystemd"
)

// After boot, one call: under systemd (NOTIFY_SOCKET set) it says READY=1
// and keeps STATUS and the watchdog going until ctx ends; elsewhere it
// does nothing.
func ExampleNotify() {
	os.Unsetenv("NOTIFY_SOCKET") // as when run from a shell
	g := aioctl.NewGroup()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop, err := aiosystemd.Notify(ctx, aiosystemd.Config{Group: g, Critical: []string{"network.service"}})
	if err != nil {
		fmt.Println(err)
	}
	defer stop()
	fmt.Println("under systemd:", aiosystemd.Enabled())
	// Output: under systemd: false
}
