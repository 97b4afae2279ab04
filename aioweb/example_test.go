package aioweb_test

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioweb"
	"github.com/aiotools-go/aiotools/control"
)

// Mount the dashboard on a control server that listens on loopback TCP,
// then print the address to open.
func ExampleMount() {
	g := aioctl.NewGroup()
	cfg := control.Config{
		Components: control.Components{Group: g},
		Socket:     "-", // TCP only, for the example
		Addr:       "127.0.0.1:0",
		Token:      "0123456789abcdef0123456789abcdef",
		Logger:     slog.New(slog.DiscardHandler),
	}
	d, err := aioweb.Mount(&cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := control.NewServer(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	defer d.Close()
	u := d.URL(srv) // http://127.0.0.1:PORT/?token=…
	fmt.Println(strings.HasPrefix(u, "http://127.0.0.1:"), strings.HasSuffix(u, "/?token="+cfg.Token))
	// Output: true true
}
