package aioschedule_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/clock"
)

// Preview the next runs of a cron spec, as `systemd-analyze calendar` does.
func ExampleSpec_NextRuns() {
	from := time.Date(2025, 3, 8, 12, 0, 0, 0, time.UTC)
	runs, err := aioschedule.Spec{Cron: "30 2 * * *", TZ: "America/New_York"}.NextRuns(from, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range runs {
		fmt.Println(r.Format("2006-01-02 15:04 MST"))
	}
	// The 9 March run falls in the spring-forward gap: it runs once, at 03:00.

	// Output:
	// 2025-03-09 03:00 EDT
	// 2025-03-10 02:30 EDT
	// 2025-03-11 02:30 EDT
}

// A schedule as the seed's config file spells it.
func ExampleSpec_UnmarshalJSON() {
	var spec aioschedule.Spec
	err := json.Unmarshal([]byte(`{"start_in": 20, "repeat": 90}`), &spec)
	fmt.Println(spec, err)
	err = json.Unmarshal([]byte(`{"start_in": 20, "every": 90}`), &spec)
	fmt.Println(err)
	err = aioschedule.Spec{Cron: "0 0 31 2 *"}.Validate()
	fmt.Println(err)
	// Output:
	// start_in=20s repeat=1m30s <nil>
	// aioschedule: every: unknown key (want one of start_in, repeat, at, cron, tz, jitter, catch_up, from, keep)
	// aioschedule: cron: never matches: no month in "0 0 31 2 *" has such a day
}

// Add a task and schedule it in one call (the seed's schedule_task), then
// watch it run on a fake clock.
func ExampleAdd() {
	clk := clock.NewFake(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	g := aioctl.NewGroup(aioctl.WithClock(clk))
	s := aioschedule.New(g)
	defer s.Close()

	ran := make(chan struct{})
	world := func(ctx context.Context, who string) (string, error) {
		defer close(ran)
		return "hello " + who, nil
	}
	task, err := aioschedule.Add(s, world, "world",
		aioschedule.Spec{StartIn: 5 * time.Second, Repeat: 10 * time.Second}, aioctl.WithName("world"))
	if err != nil {
		fmt.Println(err)
		return
	}
	clk.WaitTimers(1, nil)
	clk.Advance(5 * time.Second)
	<-ran
	<-task.Done()
	clk.WaitTimers(1, nil)
	clk.Advance(3 * time.Second)

	sts, _ := g.Status("world")
	aioctl.Render(os.Stdout, sts, aioctl.RenderOptions{Now: clk.Now(), Location: time.UTC})
	// Output:
	// ● world: status: done @ 2015-01-01 00:00:05; 3 s ago --> result: hello world
	//     ┗━► schedule: last @ 2015-01-01 00:00:05 --> next in 7 s @ 2015-01-01 00:00:15
}
