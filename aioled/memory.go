package aioled

import (
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/clock"
)

// Memory is a Driver that records every frame, with the time it was
// shown, for tests and for programs that inspect a strip. It keeps every
// frame until Reset: it is not meant to run for days. It is safe to read
// while an animation writes.
type Memory struct {
	clk    clock.Clock
	mu     sync.Mutex
	frames []Frame
}

// Frame is one recorded frame.
type Frame struct {
	At     time.Time
	Pixels []Color
}

// NewMemory returns an empty recording whose frames are stamped with
// clk's time (nil: the real clock).
func NewMemory(clk clock.Clock) *Memory {
	if clk == nil {
		clk = clock.Real{}
	}
	return &Memory{clk: clk}
}

// Write records a copy of frame.
func (m *Memory) Write(frame []Color) error {
	f := Frame{At: m.clk.Now(), Pixels: append([]Color(nil), frame...)}
	m.mu.Lock()
	m.frames = append(m.frames, f)
	m.mu.Unlock()
	return nil
}

// Frames returns the frames recorded so far, oldest first.
func (m *Memory) Frames() []Frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Frame(nil), m.frames...)
}

// Len returns how many frames were recorded.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.frames)
}

// Last returns the last frame's pixels (nil before the first).
func (m *Memory) Last() []Color {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.frames) == 0 {
		return nil
	}
	return m.frames[len(m.frames)-1].Pixels
}

// Reset forgets the recorded frames.
func (m *Memory) Reset() {
	m.mu.Lock()
	m.frames = nil
	m.mu.Unlock()
}
