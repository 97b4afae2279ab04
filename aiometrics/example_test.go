package aiometrics_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiometrics"
	"github.com/aiotools-go/aiotools/control"
)

// A program's metrics, scraped as Prometheus would (the control server
// serves them with control.Config{Interp: in, Mount: m.Mount}).
func Example() {
	g := aioctl.NewGroup()
	defer g.Close(context.Background())
	in, _ := control.NewInterp(control.Components{Group: g})
	m := aiometrics.New(in)
	defer m.Close()

	t := aioctl.MustAdd(g, func(ctx context.Context, n int) (int, error) { return n, nil }, 1, aioctl.WithName("once"))
	<-t.Done()

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, `aiotools_tasks{state="done"}`) || strings.HasPrefix(l, "aiotools_task_run_duration_seconds_count") {
			fmt.Println(l)
		}
	}
	// Output:
	// aiotools_task_run_duration_seconds_count 1
	// aiotools_tasks{state="done"} 1
}
