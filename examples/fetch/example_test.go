package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fetch is a task: one GET with the task's context, the body (at most
// 64 KiB) as its result.
func fetch(client *http.Client) func(ctx context.Context, url string) (string, error) {
	return func(ctx context.Context, url string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err // a stop while waiting: context.Canceled
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", errors.New(resp.Status)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return string(b), err
	}
}

// A task's request uses the task's context: its answer is the task's
// result, and stopping the task cancels a request still waiting.
func Example() {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(arrived)
			<-r.Context().Done() // answers only when the client gives up
			close(cancelled)
			return
		}
		io.WriteString(w, "21.5")
	}))
	defer srv.Close()
	client := &http.Client{Timeout: time.Minute} // a bound besides the context
	defer client.CloseIdleConnections()

	g := aioctl.NewGroup()
	defer g.Close(context.Background())
	temp := aioctl.MustAdd(g, fetch(client), srv.URL+"/temp", aioctl.WithName("temp"))
	<-temp.Done()
	fmt.Println("temp:", temp.Result())

	slow := aioctl.MustAdd(g, fetch(client), srv.URL+"/slow", aioctl.WithName("slow"))
	<-arrived
	g.Stop(context.Background(), "slow") // as aioctl stop slow does
	<-cancelled
	fmt.Println("slow:", slow.State(), "- the server saw the request cancelled")
	// Output:
	// temp: 21.5
	// slow: stopped - the server saw the request cancelled
}
