package aiolog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
)

// A fixed clock and time zone make the examples' output stable.
func exampleRing(opts ...aiolog.Option) *aiolog.Ring {
	t := time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)
	opts = append(opts, aiolog.WithClock(func() time.Time { return t }), aiolog.WithLocation(time.UTC))
	return aiolog.New(64<<10, opts...)
}

func Example() {
	ring := exampleRing()
	log := slog.New(ring.Handler(nil))
	log.Info("LED 3 toggled!", aiolog.TaskKey, "hello_task")
	log.Warn("battery low", aiolog.TaskKey, "power", "volts", 3.3)
	fmt.Fprintln(ring, "[hello_task] plain text works too")

	ring.Cat(os.Stdout, aiolog.Query{})
	fmt.Println("--- grep led, task hello_task:")
	ring.Cat(os.Stdout, aiolog.Query{Grep: "led", Task: "hello_task"})
	// Output:
	// 2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled!
	// 2015-01-01 00:00:19 [pyb] [WARN] [power] battery low volts=3.3
	// [hello_task] plain text works too
	// --- grep led, task hello_task:
	// 2015-01-01 00:00:19 [pyb] [INFO] [hello_task] LED 3 toggled!
}

func ExampleNew() {
	ring := aiolog.New(aiolog.MinBudget)
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(ring, "line %d", i)
	}
	st := ring.Stats()
	fmt.Println(st.Budget, st.Used <= st.Budget, st.NextSeq)
	ring.Cat(os.Stdout, aiolog.Query{Tail: 2})
	// Output:
	// 256 true 101
	// line 99
	// line 100
}

func ExampleRing_Lines() {
	ring := exampleRing()
	log := slog.New(ring.Handler(&aiolog.HandlerOptions{Level: slog.LevelDebug}))
	log.Debug("tick", aiolog.TaskKey, "clock")
	log.Error("sensor failed", aiolog.TaskKey, "sensor", "code", 7)
	log.Log(context.Background(), aiolog.LevelCrit, "out of memory")

	lines, _ := ring.Lines(aiolog.Query{MinLevel: slog.LevelError})
	for _, l := range lines {
		fmt.Println(l.Seq, l.Task, l.Text)
	}
	lines, _ = ring.Lines(aiolog.Query{Grep: "*failed*"}) // a '*' pattern matches the whole line
	fmt.Println(len(lines), lines[0].Seq)
	// Output:
	// 2 sensor 2015-01-01 00:00:19 [pyb] [ERROR] [sensor] sensor failed code=7
	// 3  2015-01-01 00:00:19 [pyb] [CRIT] out of memory
	// 1 2
}

func ExampleRing_Follow() {
	ring := exampleRing()
	ring.Write([]byte("[job] started"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		// Replay everything (Tail -1), then follow new lines of task job.
		done <- ring.Follow(ctx, aiolog.Query{Task: "job", Tail: -1}, func(l aiolog.Line) error {
			fmt.Println(l.Seq, l.Text)
			if l.Seq == 3 {
				cancel()
			}
			return nil
		})
	}()
	ring.Write([]byte("[other] ignored\n[job] finished\n"))
	fmt.Println(<-done)
	// Output:
	// 1 [job] started
	// 3 [job] finished
	// context canceled
}

func ExampleRing_TaskLog() {
	ring := exampleRing()
	w := ring.NewWriter("backup", slog.LevelInfo)
	fmt.Fprint(w, "copying\x1b[2J ")
	fmt.Fprint(w, "files\ndone\n")
	fmt.Fprintln(ring, "[web] GET /")
	for _, l := range ring.TaskLog("backup", 0) {
		fmt.Println(l)
	}
	// Output:
	// [backup] copying\x1b[2J files
	// [backup] done
}

func ExampleWithRateLimit() {
	now := time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)
	ring := aiolog.New(4096, aiolog.WithClock(func() time.Time { return now }),
		aiolog.WithLocation(time.UTC), aiolog.WithRateLimit(2, time.Second))
	log := slog.New(ring.Handler(nil))
	for i := 0; i < 5; i++ {
		log.Info("flood", aiolog.TaskKey, "noisy", "i", i)
	}
	now = now.Add(time.Second)
	log.Info("calm again", aiolog.TaskKey, "noisy")
	ring.Cat(os.Stdout, aiolog.Query{})
	// Output:
	// 2015-01-01 00:00:19 [pyb] [INFO] [noisy] flood i=0
	// 2015-01-01 00:00:19 [pyb] [INFO] [noisy] flood i=1
	// 2015-01-01 00:00:20 [pyb] [WARN] [noisy] suppressed 3 lines
	// 2015-01-01 00:00:20 [pyb] [INFO] [noisy] calm again
}

// The direct API: a logger made once per task, typed attributes, no
// allocation; levels per task change while the program runs.
func ExampleRing_TaskLogger() {
	ring := exampleRing()
	svc := ring.TaskLogger("hello.service")
	child := ring.TaskLogger("hello.service.led")
	svc.Debug("not stored: the default level is INFO")
	ring.Levels().Set("hello.service", slog.LevelDebug) // what "aioctl log level hello.service DEBUG" does
	svc.Debug("stored now", slog.Int("pin", 3))
	child.Debug("the child inherits it", slog.Bool("on", true))
	ring.Cat(os.Stdout, aiolog.Query{})
	// Output:
	// 2015-01-01 00:00:19 [pyb] [DEBUG] [hello.service] stored now pin=3
	// 2015-01-01 00:00:19 [pyb] [DEBUG] [hello.service.led] the child inherits it on=true
}
