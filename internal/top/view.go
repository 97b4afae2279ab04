package top

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// styles are the colours of one screen; without colour every style is
// plain, so NO_COLOR screens hold no escape sequence at all.
type styles struct {
	title, header, sel, dim, online, offline, bar lipgloss.Style
	state                                         map[string]lipgloss.Style
}

func newStyles(color bool) styles {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	if color {
		r.SetColorProfile(termenv.ANSI)
	}
	st := func() lipgloss.Style { return r.NewStyle() }
	green, yellow, red, cyan := lipgloss.Color("2"), lipgloss.Color("3"), lipgloss.Color("1"), lipgloss.Color("6")
	s := styles{
		title:   st().Bold(true),
		header:  st().Bold(true).Reverse(true),
		sel:     st().Reverse(true),
		dim:     st().Faint(true),
		online:  st().Foreground(green).Bold(true),
		offline: st().Foreground(red).Bold(true),
		bar:     st().Foreground(green),
		// The status contract's colours: green running, plain done,
		// yellow stopped, red error/failed, cyan scheduled.
		state: map[string]lipgloss.Style{
			"running": st().Foreground(green), "done": st(), "stopped": st().Foreground(yellow),
			"stopping": st().Foreground(yellow), "restarting": st().Foreground(yellow),
			"error": st().Foreground(red), "failed": st().Foreground(red), "gave-up": st().Foreground(red), "scheduled": st().Foreground(cyan),
		},
	}
	return s
}

// View draws the screen: exactly h lines, none wider than w.
func (m Model) View() string {
	var lines []string
	switch m.mode {
	case modePager:
		lines = m.pagerView()
	case modeLog, modeInput:
		if m.mode == modeLog || m.in == inLogFilter {
			lines = m.logView()
		} else {
			lines = m.mainView()
		}
	default:
		lines = m.mainView()
	}
	return strings.Join(fit(lines, m.w, m.h), "\n")
}

// fit cuts lines to w columns and pads or cuts them to h lines.
func fit(lines []string, w, h int) []string {
	if h < 1 {
		h = 1
	}
	out := make([]string, h)
	bottom := lines[len(lines)-1] // the status line stays at the bottom
	body := lines[:len(lines)-1]
	for i := 0; i < h-1 && i < len(body); i++ {
		out[i] = ansi.Truncate(body[i], w, "…")
	}
	out[h-1] = ansi.Truncate(bottom, w, "…")
	for i := range out {
		out[i] = strings.TrimRight(out[i], " ")
	}
	return out
}

// bodyHeight is the lines between the title and the bottom line.
func (m Model) bodyHeight() int { return max(0, m.h-2) }

func (m Model) titleLine(extra string) string {
	devs, pages := m.shownDevices()
	t := "aioctl top " + termsafe.String(m.src.Name())
	if len(m.devs) > 1 {
		t += fmt.Sprintf("  %d/%d devices", len(devs), len(m.devs))
		if pages > 1 {
			t += fmt.Sprintf("  page %d/%d", min(m.page, pages-1)+1, pages)
		}
	}
	if extra != "" {
		t += "  " + extra
	}
	return m.st.title.Render(t)
}

func (m Model) bottomLine() string {
	switch m.mode {
	case modeInput:
		return inputPrompt[m.in] + termsafe.String(m.line) + "█"
	case modeConfirm:
		return fmt.Sprintf("%s %s on %s? [y/N]", m.confirm[1], termsafe.String(m.confirm[2]), termsafe.String(m.confirm[0]))
	}
	if m.msg != "" {
		return m.msg
	}
	var f []string
	if m.devFilter != "" {
		f = append(f, "/"+termsafe.String(m.devFilter))
	}
	if m.svcFilter != "" {
		f = append(f, "$"+termsafe.String(m.svcFilter))
	}
	hint := "? help  q quit"
	if len(f) > 0 {
		return "filter " + strings.Join(f, " ") + "  " + hint
	}
	return hint
}

func (m Model) mainView() []string {
	sort := colNames[m.sortCol]
	if m.sortDesc {
		sort += "↓"
	} else {
		sort += "↑"
	}
	lines := []string{m.titleLine("sort " + sort)}
	devs, _ := m.shownDevices()
	// Small terminals: the table before the device blocks.
	room := m.bodyHeight()
	if m.showInfo && (!m.showTable || room >= 12) {
		for _, d := range devs {
			lines = append(lines, m.deviceBlock(d)...)
		}
	}
	if len(m.devs) == 0 {
		lines = append(lines, emptyText(m.src))
	}
	if m.showTable {
		left := max(1, m.h-1-len(lines))
		lines = append(lines, m.table(left)...)
	}
	return append(lines, m.bottomLine())
}

// devsPerPage is how many device blocks fit beside a useful table.
func (m Model) devsPerPage() int {
	if !m.showInfo {
		return 1 << 20
	}
	return max(1, (m.h-12)/deviceLines)
}

// deviceLines is the height of one device block.
const deviceLines = 3

func (m Model) deviceBlock(d Snapshot) []string {
	state := m.st.online.Render("[ ONLINE ]")
	if !d.Online {
		state = m.st.offline.Render("[ OFFLINE ]")
	}
	head := m.st.title.Render(termsafe.String(d.Device)) + " " + state
	var tasks, services, children int
	for _, t := range d.Tasks {
		tasks++
		if t.Service != nil {
			services++
		}
		children += len(t.Children)
	}
	head += fmt.Sprintf("  tasks %d  services %d  children %d", tasks, services, children)
	var l2, l3 string
	if st := d.Stats; st != nil {
		head += "  v" + termsafe.String(strings.TrimPrefix(st.Version, "v"))
		l2 = "  Mem  " + m.bar(st.Memory.HeapInuse, st.Memory.Sys)
		if st.Disk != nil {
			l2 += "   Disk " + m.bar(st.Disk.Used, st.Disk.Total)
		}
		up := secs(st.UptimeSeconds)
		if d.Online && !st.Time.IsZero() && m.now.After(st.Time) {
			up += m.now.Sub(st.Time) // the figures are from st.Time; a device sends them seldom
		}
		l3 = "  up " + ago(up) + "  goroutines " + fmt.Sprint(st.Goroutines)
		if st.Log != nil && st.Log.Budget > 0 {
			l3 += fmt.Sprintf("  log %.0f%%", 100*float64(st.Log.Used)/float64(st.Log.Budget))
		}
	}
	if !d.Seen.IsZero() {
		l3 += "  seen " + ago(m.now.Sub(d.Seen)) + " ago"
	}
	if st := d.Stats; st != nil && st.ResetCause != "" {
		l3 += "  reset " + termsafe.String(st.ResetCause)
	}
	if d.Err != "" {
		l3 += "  " + m.st.offline.Render(termsafe.String(d.Err))
	}
	return []string{head, l2, l3}
}

// bar is "[|||||     45.3%] 12.0M/26.5M".
func (m Model) bar(used, total uint64) string {
	const width = 10
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(used) / float64(total)
	}
	n := min(width, int(pct/100*width+0.5))
	return "[" + m.st.bar.Render(strings.Repeat("|", n)) + strings.Repeat(" ", width-n) +
		fmt.Sprintf("%5.1f%%] %s/%s", pct, bytesText(used), bytesText(total))
}

func bytesText(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%dB", b)
	}
	div, exp := uint64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%c", float64(b)/float64(div), "KMGTPE"[exp])
}

// table draws the header and as many rows as fit in h lines, scrolled
// so that the selected row shows; columns that do not fit the width go,
// the least needed first, and STATS takes the room left.
func (m Model) table(h int) []string {
	rows := m.rows()
	cols, widths := m.columns(rows)
	header := "  " + m.renderRow(cols, widths, colNames[:], "")
	out := []string{m.st.header.Render(padRight(header, m.w))}
	if len(rows) == 0 {
		return append(out, m.st.dim.Render("  (no task matches)"))
	}
	cur := m.cursor(rows)
	n := max(1, h-1)
	top := 0
	if cur >= n {
		top = cur - n + 1
	}
	for i := top; i < len(rows) && i < top+n; i++ {
		r := rows[i]
		// The selected row: a mark (seen without colour), and reversed.
		line := "  " + m.renderRow(cols, widths, r.cells[:], r.state)
		if i == cur {
			line = "> " + ansi.Strip(line[2:])
			if m.color {
				line = m.st.sel.Render(padRight(line, m.w))
			}
		}
		out = append(out, line)
	}
	return out
}

// colPriority is the order columns get room in; colCap the widest a
// column grows (STATS: all that is left).
var (
	colPriority = []int{colService, colStatus, colDevice, colSince, colResult, colStats, colDoneAt}
	colCap      = [numCols]int{colDevice: 16, colService: 28, colStatus: 10, colSince: 16, colDoneAt: 16, colResult: 24, colStats: 1 << 20}
)

// minStats is the narrowest STATS column worth showing.
const minStats = 12

// columns are the columns that fit m.w, in the table's order, and their
// widths: DEVICE only with several devices.
func (m Model) columns(rows []row) ([]int, []int) {
	widths := make([]int, numCols)
	for c := range numCols {
		widths[c] = len(colNames[c])
		for _, r := range rows {
			widths[c] = max(widths[c], ansi.StringWidth(r.cells[c]))
		}
		widths[c] = min(widths[c], max(colCap[c], len(colNames[c])))
	}
	shown := [numCols]bool{}
	used := 2 // the selection mark
	for _, c := range colPriority {
		if c == colDevice && len(m.devs) < 2 {
			continue
		}
		w := widths[c]
		if c == colStats {
			w = minStats
		}
		if used+w > m.w && used > 2 {
			continue
		}
		shown[c] = true
		used += w + 1
	}
	var cols []int
	for c := range numCols {
		if shown[c] {
			cols = append(cols, c)
		}
	}
	if shown[colStats] {
		widths[colStats] = max(minStats, min(widths[colStats], m.w-(used-minStats-1)))
	}
	return cols, widths
}

func (m Model) renderRow(cols, widths []int, cells []string, state string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		cell := ansi.Truncate(cells[c], widths[c], "…")
		pad := padRight(cell, widths[c])
		if c == colStatus && state != "" {
			if s, ok := m.st.state[state]; ok {
				pad = s.Render(pad)
			}
		}
		if i == len(cols)-1 {
			pad = strings.TrimRight(pad, " ")
		}
		b.WriteString(pad)
	}
	return b.String()
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func (m Model) pagerView() []string {
	lines := []string{m.titleLine("— " + m.pagerTitle + "  (q back, j/k scroll)")}
	n := m.bodyHeight()
	for i := m.pagerTop; i < len(m.pager) && i < m.pagerTop+n; i++ {
		lines = append(lines, m.pager[i])
	}
	return append(lines, m.bottomLine())
}

func (m Model) logView() []string {
	title := "— " + m.logTitle + "  (q back, % filter)"
	if m.logFilter != "" {
		title += "  %" + termsafe.String(m.logFilter)
	}
	lines := []string{m.titleLine(title)}
	var shown []string
	for _, l := range m.log {
		if m.logFilter == "" || strings.Contains(l, m.logFilter) {
			shown = append(shown, l)
		}
	}
	n := m.bodyHeight()
	if len(shown) > n {
		shown = shown[len(shown)-n:]
	}
	lines = append(lines, shown...)
	return append(lines, m.bottomLine())
}

// Help is the ? screen.
var Help = strings.TrimSpace(`
aioctl top: the tasks and services of a program (or of a fleet), live.

  ↑ ↓ j k     move            PgUp PgDn g G   page, first, last
  Enter       debug status of the selected task
  s S r       start, stop, restart the selected task (asks y/N)
  L           follow its log (% filters the lines, q back)
  /pattern    filter devices   $pattern  filter services (Enter keeps,
              Esc clears; a pattern with * is a glob, else a substring)
  :verb ...   run any control verb (Tab completes verbs and task names)
  i           device blocks on/off     H   tasks table on/off
  t           relative / absolute times
  o < >       sort by the next / previous column, O reverses
  n p N P     next / previous / last / first page of devices
  ?           this help                q   quit (Ctrl-C too)

STATUS colours as aioctl status: green running, plain done, yellow
stopped, red error/failed, cyan scheduled. NO_COLOR turns colour off.
`)

// emptyText is what the screen says before any device is shown: the
// source's own words when it has them (a fleet: connected, but no
// device matching yet), else that it waits for the source.
func emptyText(src Source) string {
	if e, ok := src.(interface{ EmptyText() string }); ok {
		return e.EmptyText()
	}
	return "waiting for " + termsafe.String(src.Name()) + "…"
}
