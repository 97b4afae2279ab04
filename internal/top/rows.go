package top

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// row is one line of the tasks table: a task of a device, its text
// already escaped.
type row struct {
	device, task string // raw, for commands
	cells        [numCols]string
	state        string // the state's name, for its colour
	since, ended time.Time
}

// The table's columns, in order.
const (
	colDevice = iota
	colService
	colStatus
	colSince
	colDoneAt
	colResult
	colStats
	numCols
)

var colNames = [numCols]string{"DEVICE", "SERVICE", "STATUS", "SINCE", "DONE_AT", "RESULT", "STATS"}

// statusWord is a state as the table shows it: upper-case, and FAILED
// for a service's task that failed (as status says "failed").
func statusWord(t api.TaskStatus) string {
	if t.State == "error" && t.Service != nil {
		return "FAILED"
	}
	return strings.ToUpper(t.State)
}

// flatStats flattens what a task says about itself: its service's Show()
// text, else its Stats() JSON as "k=v | k=v" (nested keys joined by a dot).
func flatStats(t api.TaskStatus) string {
	if t.Service != nil && t.Service.Stats != "" {
		return strings.Join(strings.Fields(t.Service.Stats), " ")
	}
	if t.StatsError != "" {
		return "stats error: " + t.StatsError
	}
	if len(t.Stats) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(t.Stats, &v) != nil {
		return string(t.Stats)
	}
	var parts []string
	flatten("", v, &parts)
	return strings.Join(parts, " | ")
}

func flatten(prefix string, v any, parts *[]string) {
	m, ok := v.(map[string]any)
	if !ok {
		if prefix == "" {
			prefix = "value"
		}
		b, _ := json.Marshal(v)
		s := string(b)
		if str, ok := v.(string); ok {
			s = str
		}
		*parts = append(*parts, prefix+"="+s)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		flatten(name, m[k], parts)
	}
}

// ago is a duration as "h:mm:ss" (and "N d " before it past a day).
func ago(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	out := fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	if days > 0 {
		out = fmt.Sprintf("%dd %s", days, out)
	}
	return out
}

// when is a time as the table shows it: relative ("0:00:04 ago") or
// absolute local time; "-" when not set.
func when(t, now time.Time, abs bool) string {
	if t.IsZero() {
		return "-"
	}
	if abs {
		return t.Local().Format("2006-01-02 15:04:05")
	}
	return ago(now.Sub(t)) + " ago"
}

// matches reports whether name matches a filter: a '*' pattern, or a
// substring when the filter has no '*'; an empty filter matches all.
func matches(filter, name string) bool {
	if filter == "" {
		return true
	}
	if strings.ContainsAny(filter, "*?[") {
		ok, err := path.Match(filter, name)
		return ok && err == nil
	}
	return strings.Contains(strings.ToLower(name), strings.ToLower(filter))
}

// buildRows makes the table's rows from the devices shown, filtered by
// the service filter and sorted by column col (desc reverses).
func buildRows(devs []Snapshot, svcFilter string, now time.Time, abs bool, col int, desc bool) []row {
	var rows []row
	for _, d := range devs {
		for _, t := range d.Tasks {
			if !matches(svcFilter, t.Name) {
				continue
			}
			r := row{device: d.Device, task: t.Name, state: t.State, since: t.Since, ended: t.Ended}
			r.cells = [numCols]string{
				termsafe.String(d.Device), termsafe.String(t.Name), statusWord(t),
				when(t.Since, now, abs), when(t.Ended, now, abs),
				termsafe.String(oneLine(result(t))), termsafe.String(oneLine(flatStats(t))),
			}
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		c := compareRows(a, b, col)
		if c == 0 {
			c = cmp.Or(strings.Compare(a.device, b.device), strings.Compare(a.task, b.task))
		}
		if desc {
			return -c
		}
		return c
	})
	return rows
}

func compareRows(a, b row, col int) int {
	switch col {
	case colSince:
		return a.since.Compare(b.since)
	case colDoneAt:
		return a.ended.Compare(b.ended)
	case colDevice:
		return strings.Compare(a.device, b.device)
	case colService:
		return strings.Compare(a.task, b.task)
	}
	return strings.Compare(a.cells[col], b.cells[col])
}

// result is a task's result as status shows it, or its error.
func result(t api.TaskStatus) string {
	if t.ResultText != "" {
		return t.ResultText
	}
	return t.Error
}

// oneLine keeps a cell on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
