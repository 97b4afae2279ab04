package aiometrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Buckets of the histograms, in seconds: task runs go from a blink to
// hours; a schedule's lateness is milliseconds when all is well.
var (
	RunBuckets      = []float64{0.01, 0.1, 1, 10, 60, 600, 3600}
	LatenessBuckets = []float64{0.001, 0.01, 0.1, 1, 10}
)

// Metrics is a program's metrics: a Prometheus registry fed by the
// events of an interpreter's components. Make one with New; Close stops
// it listening to the events.
type Metrics struct {
	in  *control.Interp
	reg *prometheus.Registry

	restarts *prometheus.CounterVec
	failures *prometheus.CounterVec
	runs     prometheus.Histogram     // all tasks, or
	taskRuns *prometheus.HistogramVec // per task (WithTaskRunDurations)
	lateness prometheus.Histogram
	requests *prometheus.CounterVec

	mu      sync.Mutex
	started map[*aioctl.Task]*runStart // when each task's current run began

	closeOnce sync.Once
	cancels   []func()
}

// runStart is when a task's run began; open until the run ends.
type runStart struct {
	at   time.Time
	open bool
}

// Option changes what New measures.
type Option func(*options)

type options struct{ taskRuns bool }

// WithTaskRunDurations labels the run-duration histogram with the task's
// name: one histogram per task that ran, 10 series each. Fine for tens of
// tasks; with 1,000, a scrape is 26 times the bytes and takes about 10
// times as long (BenchmarkScrape1000Tasks).
func WithTaskRunDurations() Option { return func(o *options) { o.taskRuns = true } }

// New registers the metrics of in's components (group, log, scheduler)
// and of in's requests, and the Go and process collectors, in a registry
// of their own, and starts listening to their events.
func New(in *control.Interp, opts ...Option) *Metrics {
	var o options
	for _, f := range opts {
		f(&o)
	}
	m := &Metrics{
		in:  in,
		reg: prometheus.NewRegistry(),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiotools_task_restarts_total", Help: "Restarts of the task by its restart policy.",
		}, []string{"task"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiotools_task_failures_total", Help: "Runs of the task that ended in state error (an error or a panic).",
		}, []string{"task"}),
		// One histogram for all tasks: one per task would be 10 series
		// per task, and a scrape of 1,000 tasks 5 times slower.
		runs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "aiotools_task_run_duration_seconds", Help: "How long task runs lasted, from start to end.",
			Buckets: RunBuckets,
		}),
		lateness: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "aiotools_schedule_fire_lateness_seconds", Help: "How late scheduled runs started, after their planned time.",
			Buckets: LatenessBuckets,
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiotools_control_requests_total", Help: "Commands the control interpreter ran, by verb and result code.",
		}, []string{"verb", "code"}),
		started: make(map[*aioctl.Task]*runStart),
	}
	if o.taskRuns {
		m.taskRuns = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aiotools_task_run_duration_seconds", Help: "How long the task's runs lasted, from start to end.",
			Buckets: RunBuckets,
		}, []string{"task"})
		m.reg.MustRegister(m.taskRuns)
	} else {
		m.reg.MustRegister(m.runs)
	}
	c := in.Components()
	m.reg.MustRegister(m.restarts, m.failures, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&snapshotCollector{c: c})
	m.seedFailures(c.Group)
	m.cancels = append(m.cancels, c.Group.Watch(m.onEvent), in.ObserveRequests(m.onRequest))
	if c.Scheduler != nil {
		m.reg.MustRegister(m.lateness)
		m.cancels = append(m.cancels, c.Scheduler.ObserveFires(m.onFire))
	}
	return m
}

// Registry returns the registry the metrics are in: a program may add
// its own collectors to it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition formats. At
// most 4 scrapes run at once; a scrape is cut after 10 seconds.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		MaxRequestsInFlight: 4, Timeout: 10 * time.Second, ErrorHandling: promhttp.ContinueOnError,
	})
}

// Mount adds GET /metrics (api.PathMetrics) to mux: give it to
// control.Config.Mount, and the metrics sit behind the control server's
// checks.
func (m *Metrics) Mount(mux *http.ServeMux) {
	mux.Handle("GET "+api.PathMetrics, m.Handler())
}

// Close stops listening to the events; the registry keeps what it has.
func (m *Metrics) Close() {
	m.closeOnce.Do(func() {
		for _, c := range m.cancels {
			c()
		}
	})
}

// onEvent runs on the goroutine of the task that changed state: quick,
// no I/O, one short lock.
func (m *Metrics) onEvent(ev aioctl.Event) {
	switch {
	case ev.Cause == aioctl.CauseDelete:
		m.mu.Lock()
		delete(m.started, ev.Task)
		m.mu.Unlock()
		m.restarts.DeleteLabelValues(label(ev.Name))
		m.failures.DeleteLabelValues(label(ev.Name))
		if m.taskRuns != nil {
			m.taskRuns.DeleteLabelValues(label(ev.Name))
		}
		return
	case ev.To == aioctl.Running:
		m.mu.Lock()
		if rs := m.started[ev.Task]; rs != nil {
			rs.at, rs.open = ev.Time, true
		} else {
			m.started[ev.Task] = &runStart{at: ev.Time, open: true}
		}
		m.mu.Unlock()
		if ev.Cause == aioctl.CauseRestart {
			m.restarts.WithLabelValues(label(ev.Name)).Inc()
		}
		return
	case ev.From == ev.To || ev.To == aioctl.Stopping:
		return
	}
	// A run ended: Done, Stopped, Error, GaveUp, or Restarting (the
	// policy runs it again).
	// Only a map read here: the event runs on the task's goroutine, whose
	// stack is small and fresh at each start, and a map write (or delete)
	// made it grow, which doubled the cost of a start/stop.
	m.mu.Lock()
	var d time.Duration
	rs := m.started[ev.Task]
	ended := rs != nil && rs.open
	if ended {
		d, rs.open = ev.Time.Sub(rs.at), false
	}
	m.mu.Unlock()
	if ended {
		if m.taskRuns != nil {
			m.taskRuns.WithLabelValues(label(ev.Name)).Observe(d.Seconds())
		} else {
			m.runs.Observe(d.Seconds())
		}
	}
	failed := ev.To == aioctl.Error
	if ev.To == aioctl.Restarting || ev.To == aioctl.GaveUp {
		// The policy may restart (or give up on) a run that succeeded
		// (restart always): only one that returned an error failed.
		failed = ev.Task != nil && ev.Task.Err() != nil
	}
	if failed {
		m.failures.WithLabelValues(label(ev.Name)).Inc()
	}
}

// seedFailures counts the tasks that had already failed when New ran:
// aiotools run and demo make the metrics after the boot, and a service
// that failed to start must not be in aiotools_tasks{state="error"} yet
// missing from the failures. What ran before cannot be counted exactly:
// a failed task counts one.
func (m *Metrics) seedFailures(g *aioctl.Group) {
	ts, _ := g.Find()
	for _, t := range ts {
		switch t.State() {
		case aioctl.Error:
		case aioctl.Restarting, aioctl.GaveUp:
			if t.Err() == nil {
				continue
			}
		default:
			continue
		}
		m.failures.WithLabelValues(label(t.Name())).Inc()
	}
}

func (m *Metrics) onFire(f aioschedule.Fire) {
	if f.Started {
		m.lateness.Observe(max(0, f.At.Sub(f.Planned).Seconds()))
	}
}

func (m *Metrics) onRequest(ri control.RequestInfo) {
	verb, code := ri.Verb, string(ri.Code)
	if verb == "" {
		verb = "unknown"
	}
	if code == "" {
		code = "ok"
	}
	m.requests.WithLabelValues(verb, code).Inc()
}

// label is a task name as a label value: escaped as aioctl prints it
// (termsafe: \x1b, \xff, \u202e). Prometheus takes valid UTF-8 only (and
// panics on anything else), a task name may be any bytes, and a scrape is
// often read with curl on a terminal: no control may reach it.
func label(name string) string { return termsafe.String(name) }
