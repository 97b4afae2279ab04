package aiometrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
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
	runs     prometheus.Histogram
	lateness prometheus.Histogram
	requests *prometheus.CounterVec

	mu      sync.Mutex
	started map[*aioctl.Task]time.Time // when each running task's run began

	closeOnce sync.Once
	cancels   []func()
}

// New registers the metrics of in's components (group, log, scheduler)
// and of in's requests, and the Go and process collectors, in a registry
// of their own, and starts listening to their events.
func New(in *control.Interp) *Metrics {
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
		started: make(map[*aioctl.Task]time.Time),
	}
	c := in.Components()
	m.reg.MustRegister(m.restarts, m.failures, m.runs, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&snapshotCollector{c: c})
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
		m.restarts.DeleteLabelValues(ev.Name)
		m.failures.DeleteLabelValues(ev.Name)
		return
	case ev.To == aioctl.Running:
		m.mu.Lock()
		m.started[ev.Task] = ev.Time
		m.mu.Unlock()
		if ev.Cause == aioctl.CauseRestart {
			m.restarts.WithLabelValues(ev.Name).Inc()
		}
		return
	case ev.From == ev.To || ev.To == aioctl.Stopping:
		return
	}
	// A run ended: Done, Stopped, Error, GaveUp, or Restarting (the
	// policy runs it again).
	m.mu.Lock()
	start, ok := m.started[ev.Task]
	delete(m.started, ev.Task)
	m.mu.Unlock()
	if ok {
		m.runs.Observe(ev.Time.Sub(start).Seconds())
	}
	failed := ev.To == aioctl.Error
	if ev.To == aioctl.Restarting || ev.To == aioctl.GaveUp {
		// The policy may restart (or give up on) a run that succeeded
		// (restart always): only one that returned an error failed.
		failed = ev.Task != nil && ev.Task.Err() != nil
	}
	if failed {
		m.failures.WithLabelValues(ev.Name).Inc()
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
