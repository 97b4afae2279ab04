package aiometrics

import (
	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
	"github.com/prometheus/client_golang/prometheus"
)

// snapshotCollector reads, at scrape time, what the components already
// count: task states, the scheduler's skipped and missed runs, the ring
// log's accounting. Nothing is kept between scrapes.
type snapshotCollector struct {
	c control.Components
}

var (
	descTasks = prometheus.NewDesc("aiotools_tasks", "Tasks per state.", []string{"state"}, nil)

	descSkipped = prometheus.NewDesc("aiotools_schedule_runs_skipped_total",
		"Due runs of the task's schedule not started because the task was still running.", []string{"task"}, nil)
	descMissed = prometheus.NewDesc("aiotools_schedule_runs_missed_total",
		"Runs of the task's schedule lost to a clock jump or a sleeping machine.", []string{"task"}, nil)

	descLogBudget  = prometheus.NewDesc("aiotools_log_budget_bytes", "Size of the ring log.", nil, nil)
	descLogUsed    = prometheus.NewDesc("aiotools_log_used_bytes", "Bytes the ring log's live lines hold.", nil, nil)
	descLogLines   = prometheus.NewDesc("aiotools_log_lines", "Live lines in the ring log.", nil, nil)
	descLogWritten = prometheus.NewDesc("aiotools_log_lines_written_total", "Lines the ring log took.", nil, nil)
	descLogEvicted = prometheus.NewDesc("aiotools_log_lines_evicted_total",
		"Lines pushed out of the ring log to make room (its normal turnover).", nil, nil)
	descLogDropped = prometheus.NewDesc("aiotools_log_lines_dropped_total",
		"Lines lost: refused by the rate limit, or not copied because the copy queue was full.", nil, nil)
)

// allStates are the states aiotools_tasks always reports, zeros included,
// so that a state that empties shows 0 rather than vanishing.
var allStates = []aioctl.State{aioctl.Scheduled, aioctl.Running, aioctl.Done, aioctl.Stopped,
	aioctl.Error, aioctl.Restarting, aioctl.GaveUp, aioctl.Stopping}

func (sc *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTasks, descSkipped, descMissed, descLogBudget, descLogUsed,
		descLogLines, descLogWritten, descLogEvicted, descLogDropped} {
		ch <- d
	}
}

func (sc *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	ts, _ := sc.c.Group.Find()
	var count [aioctl.Stopping + 1]int
	for _, t := range ts {
		if s := t.State(); int(s) < len(count) {
			count[s]++
		}
	}
	for _, s := range allStates {
		ch <- prometheus.MustNewConstMetric(descTasks, prometheus.GaugeValue, float64(count[s]), s.String())
	}
	if s := sc.c.Scheduler; s != nil {
		for _, e := range s.List() {
			ch <- prometheus.MustNewConstMetric(descSkipped, prometheus.CounterValue, float64(e.Skipped), label(e.Task))
			ch <- prometheus.MustNewConstMetric(descMissed, prometheus.CounterValue, float64(e.Missed), label(e.Task))
		}
	}
	if r := sc.c.Log; r != nil {
		st := r.Stats()
		ch <- prometheus.MustNewConstMetric(descLogBudget, prometheus.GaugeValue, float64(st.Budget))
		ch <- prometheus.MustNewConstMetric(descLogUsed, prometheus.GaugeValue, float64(st.Used))
		ch <- prometheus.MustNewConstMetric(descLogLines, prometheus.GaugeValue, float64(st.Lines))
		ch <- prometheus.MustNewConstMetric(descLogWritten, prometheus.CounterValue, float64(st.NextSeq-1))
		ch <- prometheus.MustNewConstMetric(descLogEvicted, prometheus.CounterValue, float64(st.Evicted))
		ch <- prometheus.MustNewConstMetric(descLogDropped, prometheus.CounterValue, float64(st.Suppressed+st.CopyDropped))
	}
}
