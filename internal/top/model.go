package top

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// mode is what the keys drive.
type mode int

const (
	modeTable   mode = iota // the table: moving, toggles, actions
	modeInput               // a line being typed (filter, command)
	modeConfirm             // y/n for start, stop, restart
	modePager               // text to read: help, debug status, an answer
	modeLog                 // a followed log
)

// input says what a typed line is for.
type input int

const (
	inDevFilter input = iota // /pattern
	inSvcFilter              // $pattern
	inCommand                // :verb args
	inLogFilter              // %pattern in the log view
)

var inputPrompt = map[input]string{inDevFilter: "/", inSvcFilter: "$", inCommand: ":", inLogFilter: "%"}

// Model is the state of the screen. Update and View are pure: every
// effect (a verb run, a stream read) is a tea.Cmd that the program runs
// and whose answer comes back as a message.
type Model struct {
	ctx     context.Context // ends the source and the streams
	src     Source
	updates chan Snapshot
	now     time.Time
	w, h    int
	color   bool
	st      styles

	devs       []Snapshot // by Key order of arrival, sorted by Device
	showInfo   bool       // i: the device blocks
	showTable  bool       // H: the tasks table
	absTime    bool       // t: absolute times
	sortCol    int
	sortDesc   bool
	page       int // the page of devices
	selDev     string
	selTask    string
	devFilter  string
	svcFilter  string
	mode       mode
	prevMode   mode // the mode an input or confirm returns to
	in         input
	line       string // the line being typed
	confirm    []string
	msg        string // the last answer, on the bottom line
	pagerTitle string
	pager      []string
	pagerTop   int
	logTitle   string
	log        []string
	logFilter  string
	logGen     int // the current follow; events of older ones are dropped
	logCancel  context.CancelFunc
	logEvents  chan tea.Msg
}

// Options configures New.
type Options struct {
	// Color paints states and bars (false under NO_COLOR or --no-color).
	Color bool
	// Now is the clock for relative times (time.Now when nil).
	Now func() time.Time
	// Context ends the source and every stream (Background when nil).
	Context context.Context
}

// New returns the model of a screen showing src.
func New(src Source, opt Options) Model {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return Model{ctx: ctx, src: src, updates: make(chan Snapshot, 16), now: now(), w: 80, h: 24,
		color: opt.Color, st: newStyles(opt.Color), showInfo: true, showTable: true, sortCol: colService}
}

// Messages from commands.
type (
	snapMsg  Snapshot
	snapsMsg []Snapshot
	tickMsg  time.Time
	pagerMsg struct {
		title string
		text  string
	}
	infoMsg string
	logMsg  struct {
		gen int
		ev  api.Event
	}
	logEnd struct {
		gen int
		err error
	}
	sourceEnd struct{ err error }
)

// Init starts the source and the clock of relative times.
func (m Model) Init() tea.Cmd {
	src, ch, ctx := m.src, m.updates, m.ctx
	run := func() tea.Msg {
		return sourceEnd{src.Run(ctx, ch)}
	}
	return tea.Batch(run, m.waitSnap(), m.tick())
}

// tick redraws relative times at each turn of the second: a redraw of
// what is known, not a poll of the program. Unlike tea.Every it ends
// with the context, leaving no timer goroutine behind.
func (m Model) tick() tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		now := time.Now()
		t := time.NewTimer(now.Truncate(time.Second).Add(time.Second).Sub(now))
		defer t.Stop()
		select {
		case now := <-t.C:
			return tickMsg(now)
		case <-ctx.Done():
			return nil
		}
	}
}

func (m Model) waitSnap() tea.Cmd {
	ch, ctx := m.updates, m.ctx
	return func() tea.Msg {
		select {
		case s := <-ch:
			// Take what else is queued too: one redraw for a burst.
			batch := snapsMsg{s}
			for {
				select {
				case s := <-ch:
					batch = append(batch, s)
					continue
				default:
				}
				return batch
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// Update applies one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		return m, nil
	case snapMsg:
		m = m.withSnapshot(Snapshot(msg))
		return m, m.waitSnap()
	case snapsMsg:
		for _, s := range msg {
			m = m.withSnapshot(s)
		}
		return m, m.waitSnap()
	case tickMsg:
		m.now = time.Time(msg)
		return m, m.tick()
	case sourceEnd:
		if msg.err != nil {
			m.msg = "source: " + termsafe.String(msg.err.Error())
		}
		return m, nil
	case pagerMsg:
		m.mode, m.pagerTitle, m.pagerTop = modePager, msg.title, 0
		m.pager = strings.Split(strings.TrimRight(msg.text, "\n"), "\n")
		return m, nil
	case infoMsg:
		m.msg = string(msg)
		return m, nil
	case logMsg:
		if msg.gen != m.logGen || m.mode != modeLog && !(m.mode == modeInput && m.in == inLogFilter) {
			return m, nil
		}
		text := termsafe.String(msg.ev.Text)
		if msg.ev.Lost > 0 {
			text = "(" + termsafe.String(msg.ev.Text) + ")"
		}
		m.log = append(m.log, text)
		if len(m.log) > maxLogLines {
			m.log = slices.Clone(m.log[len(m.log)-maxLogLines:])
		}
		return m, m.waitLog()
	case logEnd:
		if msg.gen == m.logGen && msg.err != nil {
			m.log = append(m.log, "(follow ended: "+termsafe.String(msg.err.Error())+")")
		}
		return m, nil
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// maxLogLines bounds the followed log kept in memory.
const maxLogLines = 1000

// withSnapshot puts a device's new snapshot in place (or adds it).
func (m Model) withSnapshot(s Snapshot) Model {
	devs := slices.Clone(m.devs)
	i := slices.IndexFunc(devs, func(d Snapshot) bool { return d.key() == s.key() })
	if i >= 0 {
		devs[i] = s
	} else {
		devs = append(devs, s)
		slices.SortStableFunc(devs, func(a, b Snapshot) int { return strings.Compare(a.Device, b.Device) })
	}
	m.devs = devs
	if m.selTask == "" {
		if rows := m.rows(); len(rows) > 0 {
			m.selDev, m.selTask = rows[0].device, rows[0].task
		}
	}
	return m
}

func (s Snapshot) key() string {
	if s.Key != "" {
		return s.Key
	}
	return s.Device
}

// shownDevices are the devices the filter lets through, on the current page.
func (m Model) shownDevices() (page []Snapshot, pages int) {
	var all []Snapshot
	for _, d := range m.devs {
		if matches(m.devFilter, d.Device) {
			all = append(all, d)
		}
	}
	per := m.devsPerPage()
	pages = max(1, (len(all)+per-1)/per)
	p := min(m.page, pages-1)
	lo, hi := p*per, min(len(all), (p+1)*per)
	return all[lo:hi], pages
}

func (m Model) rows() []row {
	devs, _ := m.shownDevices()
	return buildRows(devs, m.svcFilter, m.now, m.absTime, m.sortCol, m.sortDesc)
}

// cursor is the index of the selected row (0 when it is gone).
func (m Model) cursor(rows []row) int {
	for i, r := range rows {
		if r.device == m.selDev && r.task == m.selTask {
			return i
		}
	}
	return 0
}

func (m Model) selected() (row, bool) {
	rows := m.rows()
	if len(rows) == 0 {
		return row{}, false
	}
	return rows[m.cursor(rows)], true
}

func (m Model) move(delta int) Model {
	rows := m.rows()
	if len(rows) == 0 {
		return m
	}
	i := max(0, min(len(rows)-1, m.cursor(rows)+delta))
	m.selDev, m.selTask = rows[i].device, rows[i].task
	return m
}
