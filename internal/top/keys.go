package top

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// key applies one key press.
func (m Model) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyCtrlC {
		m.stopLog()
		return m, tea.Quit
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste && m.mode != modeInput {
		// Keys typed faster than read come as one message: one at a time.
		var cmds []tea.Cmd
		var mm tea.Model = m
		for _, r := range k.Runes {
			var cmd tea.Cmd
			mm, cmd = mm.(Model).key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			cmds = append(cmds, cmd)
		}
		return mm, tea.Batch(cmds...)
	}
	switch m.mode {
	case modeInput:
		return m.inputKey(k)
	case modeConfirm:
		return m.confirmKey(k)
	case modePager:
		return m.pagerKey(k)
	case modeLog:
		return m.logKey(k)
	}
	return m.tableKey(k)
}

func (m Model) tableKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "q":
		return m, tea.Quit
	case "up", "k":
		return m.move(-1), nil
	case "down", "j":
		return m.move(1), nil
	case "pgup":
		return m.move(-max(1, m.h/2)), nil
	case "pgdown", " ":
		return m.move(max(1, m.h/2)), nil
	case "home", "g":
		return m.move(-1 << 30), nil
	case "end", "G":
		return m.move(1 << 30), nil
	case "i":
		m.showInfo = !m.showInfo
	case "H":
		m.showTable = !m.showTable
	case "t":
		m.absTime = !m.absTime
	case ">", "o":
		m.sortCol = (m.sortCol + 1) % numCols
	case "<":
		m.sortCol = (m.sortCol + numCols - 1) % numCols
	case "O":
		m.sortDesc = !m.sortDesc
	case "n":
		_, pages := m.shownDevices()
		m.page = min(m.page+1, pages-1)
	case "p":
		m.page = max(m.page-1, 0)
	case "N":
		_, pages := m.shownDevices()
		m.page = pages - 1
	case "P":
		m.page = 0
	case "/":
		return m.startInput(inDevFilter, m.devFilter), nil
	case "$":
		return m.startInput(inSvcFilter, m.svcFilter), nil
	case ":":
		return m.startInput(inCommand, ""), nil
	case "?", "f1":
		m.mode, m.pagerTitle, m.pagerTop = modePager, "help", 0
		m.pager = strings.Split(Help, "\n")
	case "esc":
		m.msg = ""
	case "enter":
		r, ok := m.selected()
		if !ok {
			return m, nil
		}
		title := verbStatus + " " + termsafe.String(r.task)
		return m, m.pagerCmd(r.device, title, []string{verbStatus, "--debug", "--", r.task})
	case "s", "S", "r":
		r, ok := m.selected()
		if !ok {
			return m, nil
		}
		verb := map[string]string{"s": verbStart, "S": verbStop, "r": verbRestart}[k.String()]
		m.prevMode, m.mode, m.confirm = m.mode, modeConfirm, []string{r.device, verb, r.task}
	case "L":
		r, ok := m.selected()
		if !ok {
			return m, nil
		}
		return m.follow(r.device, "log of "+termsafe.String(r.task), []string{verbFollow, "--task=" + r.task, "--lines=20"})
	}
	return m, nil
}

func (m Model) startInput(in input, initial string) Model {
	m.prevMode, m.mode, m.in, m.line, m.msg = m.mode, modeInput, in, initial, ""
	return m
}

func (m Model) inputKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEsc:
		m.mode = m.prevMode
		switch m.in { // Esc clears a filter
		case inDevFilter:
			m.devFilter = ""
		case inSvcFilter:
			m.svcFilter = ""
		case inLogFilter:
			m.logFilter = ""
		}
		return m, nil
	case tea.KeyEnter:
		m.mode = m.prevMode
		switch m.in {
		case inDevFilter:
			m.devFilter, m.page = m.line, 0
		case inSvcFilter:
			m.svcFilter = m.line
		case inLogFilter:
			m.logFilter = m.line
		case inCommand:
			return m.command(m.line)
		}
		return m, nil
	case tea.KeyBackspace:
		if r := []rune(m.line); len(r) > 0 {
			m.line = string(r[:len(r)-1])
		}
	case tea.KeyCtrlU:
		m.line = ""
	case tea.KeyTab:
		if m.in == inCommand {
			m.line, m.msg = complete(m.line, m.taskNames())
		}
	case tea.KeySpace:
		m.line += " "
	case tea.KeyRunes:
		m.line += string(k.Runes)
	}
	// Filters apply as they are typed.
	switch m.in {
	case inDevFilter:
		m.devFilter, m.page = m.line, 0
	case inSvcFilter:
		m.svcFilter = m.line
	case inLogFilter:
		m.logFilter = m.line
	}
	return m, nil
}

func (m Model) confirmKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.mode = m.prevMode
	c := m.confirm
	m.confirm = nil
	if k.String() != "y" && k.String() != "Y" {
		m.msg = "cancelled"
		return m, nil
	}
	return m, m.execCmd(c[0], []string{c[1], "--", c[2]})
}

func (m Model) pagerKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	page := max(1, m.bodyHeight())
	switch k.String() {
	case "q", "esc", "enter", "?":
		m.mode = modeTable
	case "up", "k":
		m.pagerTop--
	case "down", "j":
		m.pagerTop++
	case "pgup", "b":
		m.pagerTop -= page
	case "pgdown", " ", "f":
		m.pagerTop += page
	case "home", "g":
		m.pagerTop = 0
	case "end", "G":
		m.pagerTop = len(m.pager)
	}
	m.pagerTop = max(0, min(m.pagerTop, len(m.pager)-page))
	return m, nil
}

func (m Model) logKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "q", "esc", "L":
		m.stopLog()
		m.mode, m.log, m.logFilter = modeTable, nil, ""
		m.logGen++
	case "%", "/":
		return m.startInput(inLogFilter, m.logFilter), nil
	}
	return m, nil
}

// stopLog ends the current follow, if any.
func (m Model) stopLog() {
	if m.logCancel != nil {
		m.logCancel()
	}
}

// follow starts a stream into the log view.
func (m Model) follow(device, title string, argv []string) (tea.Model, tea.Cmd) {
	m.stopLog()
	ctx, cancel := context.WithCancel(m.ctx)
	m.logGen++
	m.mode, m.logTitle, m.log, m.logFilter, m.logCancel = modeLog, title, nil, "", cancel
	ch := make(chan tea.Msg, 64)
	m.logEvents = ch
	gen, src := m.logGen, m.src
	start := func() tea.Msg {
		go func() {
			defer func() {
				if p := recover(); p != nil {
					select {
					case ch <- logEnd{gen, errors.New("follow: panic")}:
					default:
					}
				}
			}()
			err := src.Stream(ctx, device, argv, func(e api.Event) error {
				select {
				case ch <- logMsg{gen, e}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if errors.Is(err, context.Canceled) {
				err = nil
			}
			select { // nobody may read any more: never block
			case ch <- logEnd{gen, err}:
			default:
			}
		}()
		select {
		case msg := <-ch:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
	return m, start
}

func (m Model) waitLog() tea.Cmd {
	ch, ctx := m.logEvents, m.ctx
	return func() tea.Msg {
		select {
		case msg := <-ch:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// execCmd runs a verb on a device and says how it went on the bottom line.
func (m Model) execCmd(device string, argv []string) tea.Cmd {
	src, ctx := m.src, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 70*time.Second)
		defer cancel()
		resp, err := src.Exec(ctx, device, argv, api.Options{})
		what := termsafe.String(strings.Join(argvWords(argv), " "))
		switch {
		case resp != nil && resp.Error != nil:
			return infoMsg(what + ": " + termsafe.String(resp.Error.Message))
		case err != nil:
			return infoMsg(what + ": " + termsafe.String(err.Error()))
		}
		return infoMsg(what + ": " + termsafe.String(firstLine(resp.Text, "done")))
	}
}

// pagerCmd runs a verb and shows its whole answer.
func (m Model) pagerCmd(device, title string, argv []string) tea.Cmd {
	src, color, ctx := m.src, m.color, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 70*time.Second)
		defer cancel()
		resp, err := src.Exec(ctx, device, argv, api.Options{Color: color})
		var text string
		if resp != nil {
			text = safeText(resp.Text, color)
			if resp.Error != nil {
				text += "\nerror (" + termsafe.String(string(resp.Error.Code)) + "): " + termsafe.String(resp.Error.Message)
			}
		} else if err != nil {
			var ce *client.ConnError
			if errors.As(err, &ce) {
				text = termsafe.String(ce.Msg)
			} else {
				text = termsafe.String(err.Error())
			}
		}
		return pagerMsg{title, text}
	}
}

// command runs a line typed after ':' on the selected device: a stream
// (follow, log -f, watch) in the log view, any other verb in the pager.
func (m Model) command(line string) (tea.Model, tea.Cmd) {
	line = strings.TrimSpace(line)
	if line == "" {
		return m, nil
	}
	argv, err := api.ParseLine(line)
	if err != nil {
		m.msg = termsafe.String(err.Error())
		return m, nil
	}
	device := m.selDev
	if len(m.devs) > 0 && device == "" {
		device = m.devs[0].Device
	}
	if c, err := api.Parse(argv); err == nil && c.Streams() {
		return m.follow(device, termsafe.String(line), argv)
	}
	return m, m.pagerCmd(device, termsafe.String(line), argv)
}

// argvWords drops the "--" that ends flags, for messages.
func argvWords(argv []string) []string {
	var out []string
	for _, a := range argv {
		if a != "--" {
			out = append(out, a)
		}
	}
	return out
}

func firstLine(s, otherwise string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return otherwise
	}
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// safeText is a program's text made safe for the screen, keeping colour
// sequences when the screen has colour.
func safeText(s string, color bool) string {
	if color {
		return termsafe.ColorText(s)
	}
	return termsafe.Text(s)
}

// taskNames are the names completion offers after a verb that names tasks.
func (m Model) taskNames() []string {
	var names []string
	for _, d := range m.devs {
		for _, t := range d.Tasks {
			names = append(names, t.Name)
		}
	}
	return names
}
