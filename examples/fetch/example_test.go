package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/aioctl"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A task's request uses the task's context: stopping the task cancels a
// request still waiting (the station's /slow never answers).
func Example() {
	arrived := make(chan struct{})
	st := station()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(arrived) // the request is in flight
		}
		st.ServeHTTP(w, r)
	})) // loopback, a free port
	defer srv.Close()
	defer client.CloseIdleConnections()

	answer, err := get(context.Background(), srv.URL+"/temp")
	fmt.Println("temp:", answer, err)

	g := aioctl.NewGroup()
	defer g.Close(context.Background())
	slow := aioctl.MustAdd(g, poll, PollArgs{URL: srv.URL + "/slow", Every: time.Second}, aioctl.WithName("slow"))
	<-arrived
	start := time.Now()
	g.Stop(context.Background(), "slow") // as aioctl stop slow does
	fmt.Println("slow:", slow.State(), "in under a second:", time.Since(start) < time.Second)
	// Output:
	// temp: 21.5 <nil>
	// slow: stopped in under a second: true
}
