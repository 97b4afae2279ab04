package top

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/aiotools-go/aiotools/control/api"
)

type panicky struct{ fake }

func (p *panicky) Run(context.Context, chan<- Snapshot) error { panic("source bug") }

// A panic ends top with an error (bubbletea recovers and puts the
// terminal back first), not with a crash that leaves the terminal raw.
func TestRunReportsAPanic(t *testing.T) {
	var out bytes.Buffer
	err := Run(t.Context(), &panicky{}, strings.NewReader(""), &out, Options{})
	if !errors.Is(err, tea.ErrProgramPanic) {
		t.Fatalf("Run: %v", err)
	}
}

// q quits: Run returns nil.
func TestRunQuits(t *testing.T) {
	var out bytes.Buffer
	if err := Run(t.Context(), &fake{events: []api.Event{}}, strings.NewReader("q"), &out, Options{}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(out.String(), "aioctl top fake.sock") {
		t.Errorf("nothing drawn: %q", out.String())
	}
}
