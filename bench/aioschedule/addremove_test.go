package aioschedule_test

// The cost of one schedule while many are present: adding and removing it
// (BenchmarkScheduleAddRemove10k), and the memory it holds
// (BenchmarkScheduleMemory10k), for aioschedule, gocron v2 and robfig/cron
// v3, each with 10,000 other schedules due in an hour.

import (
	"context"
	"io"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
)

const present = 10000

var hourly = aioschedule.Spec{StartIn: time.Hour, Repeat: time.Hour}

func noop(context.Context, int) (struct{}, error) { return struct{}{}, nil }

// deferredTasks returns a group holding n deferred tasks t0…t<n-1>.
func deferredTasks(b *testing.B, n int) *aioctl.Group {
	g := quietGroup()
	for i := range n {
		if _, err := aioctl.Add(g, noop, i, aioctl.WithName("t"+strconv.Itoa(i)), aioctl.Deferred()); err != nil {
			b.Fatal(err)
		}
	}
	return g
}

func quietGroup() *aioctl.Group {
	return aioctl.NewGroup(aioctl.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
}

func closeGroup(g *aioctl.Group) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = g.Close(ctx)
}

// BenchmarkScheduleAddRemove10k schedules and unschedules one more task
// (or job) among 10,000 scheduled ones: the cost a long-running program pays
// to change one schedule.
func BenchmarkScheduleAddRemove10k(b *testing.B) {
	b.Run("aioschedule", func(b *testing.B) {
		g := deferredTasks(b, present+1)
		defer closeGroup(g)
		s := aioschedule.New(g)
		defer s.Close()
		for i := range present {
			if err := s.Schedule("t"+strconv.Itoa(i), hourly); err != nil {
				b.Fatal(err)
			}
		}
		name := "t" + strconv.Itoa(present)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Schedule(name, hourly); err != nil {
				b.Fatal(err)
			}
			if err := s.Unschedule(name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gocron", func(b *testing.B) {
		s, err := gocron.NewScheduler()
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = s.Shutdown() }()
		for range present {
			if _, err := s.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func() {})); err != nil {
				b.Fatal(err)
			}
		}
		s.Start()
		b.ReportAllocs()
		for b.Loop() {
			j, err := s.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func() {}))
			if err != nil {
				b.Fatal(err)
			}
			if err := s.RemoveJob(j.ID()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("robfig", func(b *testing.B) {
		c := cron.New()
		for range present {
			if _, err := c.AddFunc("@every 1h", func() {}); err != nil {
				b.Fatal(err)
			}
		}
		c.Start()
		defer c.Stop()
		b.ReportAllocs()
		for b.Loop() {
			id, err := c.AddFunc("@every 1h", func() {})
			if err != nil {
				b.Fatal(err)
			}
			c.Remove(id)
		}
	})
}

// heapAfterGC is the live heap in bytes, once it stops shrinking: what an
// earlier sub-benchmark let go (a shut-down scheduler's goroutines end a
// little later) must not count against the next one.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	prev := uint64(math.MaxUint64)
	for range 20 {
		runtime.GC()
		runtime.Gosched()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc+ms.HeapAlloc/1000 >= prev {
			break
		}
		prev = ms.HeapAlloc
	}
	return ms.HeapAlloc
}

// memPer reports the heap grown by add (which makes n schedules) per
// schedule. It measures once per call, whatever b.N: the figure is a size,
// not a time.
func memPer(b *testing.B, n int, add func()) {
	before := heapAfterGC()
	add()
	grown := int64(heapAfterGC()) - int64(before)
	for b.Loop() {
	}
	b.ReportMetric(float64(grown)/float64(n), "B/schedule")
}

// BenchmarkScheduleMemory10k measures the heap 10,000 schedules hold. For
// aioschedule it is what the schedule adds beyond its task's record (the
// tasks exist before); for gocron and robfig it is their whole job record.
func BenchmarkScheduleMemory10k(b *testing.B) {
	b.Run("aioschedule", func(b *testing.B) {
		g := deferredTasks(b, present)
		defer closeGroup(g)
		names := make([]string, present)
		for i := range names {
			names[i] = "t" + strconv.Itoa(i)
		}
		var keep []*aioschedule.Scheduler
		memPer(b, present, func() {
			s := aioschedule.New(g)
			for _, name := range names {
				if err := s.Schedule(name, hourly); err != nil {
					b.Fatal(err)
				}
			}
			keep = append(keep, s)
		})
		for _, s := range keep {
			s.Close()
		}
	})
	b.Run("gocron", func(b *testing.B) {
		var keep []gocron.Scheduler
		memPer(b, present, func() {
			s, err := gocron.NewScheduler()
			if err != nil {
				b.Fatal(err)
			}
			for range present {
				if _, err := s.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func() {})); err != nil {
					b.Fatal(err)
				}
			}
			keep = append(keep, s)
		})
		for _, s := range keep {
			_ = s.Shutdown()
		}
	})
	b.Run("robfig", func(b *testing.B) {
		var keep []*cron.Cron
		memPer(b, present, func() {
			c := cron.New()
			for range present {
				if _, err := c.AddFunc("@every 1h", func() {}); err != nil {
					b.Fatal(err)
				}
			}
			keep = append(keep, c)
		})
		runtime.KeepAlive(keep)
	})
}
