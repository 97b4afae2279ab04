// Fetch shows how a task makes HTTP requests: with net/http and the
// context the task is given, so that stopping the task cancels a request
// in flight instead of waiting for an answer that may never come. It
// starts a pretend weather station on loopback (127.0.0.1, a free port):
// /temp answers at once, /slow never does.
//
//	go run ./examples/fetch
//
// and, in another terminal:
//
//	go run ./cmd/aioctl log -f temp      # temperature 21.5, every two seconds
//	go run ./cmd/aioctl status slow      # running: its request waits
//	go run ./cmd/aioctl stop slow        # cancels the request: stopped at once
//	go run ./cmd/aioctl log slow         # request ended: … context canceled
//
// It ends on Ctrl-C, or by itself after -for (go run ./examples/fetch -for 1m).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// client bounds every request (a hung server, a lost network) besides the
// task's context, which a stop cancels.
var client = &http.Client{Timeout: 5 * time.Minute}

// get makes one GET with ctx and returns the body, at most 64 KiB.
func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err // after a stop: … context canceled
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return string(b), err
}

// PollArgs are a polling task's arguments.
type PollArgs struct {
	URL   string        `json:"url"`
	Every time.Duration `json:"every"`
}

// poll GETs the URL every a.Every and logs the answer, until stopped.
func poll(ctx context.Context, a PollArgs) (string, error) {
	log := aioctl.Logger(ctx)
	for {
		body, err := get(ctx, a.URL)
		if ctx.Err() != nil { // stopped, maybe halfway through a request
			log.Info("request ended: " + err.Error())
			return body, ctx.Err()
		}
		if err != nil {
			log.Warn("request failed", "err", err)
		} else {
			log.Info("temperature " + body)
		}
		select {
		case <-ctx.Done():
			return body, ctx.Err()
		case <-time.After(a.Every):
		}
	}
}

// station is the pretend weather station.
func station() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/temp", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "21.5") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	return mux
}

func main() {
	runFor := flag.Duration("for", 0, "stop after this long (0: until Ctrl-C)")
	socket := flag.String("socket", "", "control socket path (default: fetch.sock in your runtime directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *runFor > 0 {
		ctx, stop = context.WithTimeout(ctx, *runFor)
		defer stop()
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch:", err)
		os.Exit(1)
	}
	web := &http.Server{Handler: station(), ReadHeaderTimeout: 5 * time.Second}
	go web.Serve(ln)
	base := "http://" + ln.Addr().String()

	ring := aiolog.New(64 << 10)
	g := aioctl.NewGroup(aioctl.WithLogger(ring.Logger()), aioctl.WithLogSource(ring))
	aioctl.MustAdd(g, poll, PollArgs{URL: base + "/temp", Every: 2 * time.Second}, aioctl.WithName("temp"))
	aioctl.MustAdd(g, poll, PollArgs{URL: base + "/slow", Every: 2 * time.Second}, aioctl.WithName("slow"))

	srv, err := control.NewServer(control.Config{
		Components: control.Components{Group: g, Log: ring},
		Name:       "fetch", Socket: *socket,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch:", err)
		os.Exit(1)
	}
	fmt.Println("control socket:", srv.SocketPath(), "- try: go run ./cmd/aioctl stop slow")

	<-ctx.Done()
	srv.Close()
	g.Close(context.Background()) // stops both tasks: their requests are cancelled
	web.Close()
	client.CloseIdleConnections()
	g.WriteStatus(os.Stdout, false)
}
