package top

import (
	"context"
	"errors"
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// Run shows src full-screen on the terminal in/out until the user quits
// (q, Ctrl-C) or ctx ends. bubbletea puts the terminal back as it found
// it on every way out, a panic in Update or View included (it recovers,
// restores, then reports the panic as an error).
func Run(ctx context.Context, src Source, in io.Reader, out io.Writer, opt Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the source and any follow
	opt.Context = ctx
	p := tea.NewProgram(New(src, opt), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), tea.WithFPS(fps))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// fps is how often bubbletea's renderer may write a frame. A change
// waits at most 1/fps s for its frame; each frame wakes the process,
// which an idle top should not do 60 times a second.
const fps = 20
