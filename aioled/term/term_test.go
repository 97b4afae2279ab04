package term

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiotools-go/aiotools/aioled"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func draw(t *testing.T, frame []aioled.Color, opts ...Option) string {
	t.Helper()
	var b bytes.Buffer
	if err := New(&b, opts...).Write(frame); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTrueColourRow: one block per pixel in its colour, one sequence per
// run of a colour, redrawn in place.
func TestTrueColourRow(t *testing.T) {
	got := draw(t, []aioled.Color{aioled.Red, aioled.Red, {G: 10, W: 5}, {}})
	want := "\r\x1b[38;2;255;0;0m██\x1b[38;2;5;15;5m█\x1b[38;2;0;0;0m█\x1b[0m\x1b[K"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestNoColourShades: without colour, no SGR sequence; shades by brightness.
func TestNoColourShades(t *testing.T) {
	got := draw(t, []aioled.Color{{}, {R: 40}, {G: 100}, {B: 180}, aioled.White}, WithColor(false))
	if want := "\r ░▒▓█\x1b[K"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestFixedRowLabelAndWidth: at a fixed row the cursor is saved and
// restored; the label is escaped; pixels beyond the width are left out.
func TestFixedRowLabelAndWidth(t *testing.T) {
	frame := make([]aioled.Color, 10)
	got := draw(t, frame, WithRow(func() int { return 24 }), WithLabel("np\x1b[2J"), WithWidth(func() int { return 12 }), WithColor(false))
	if !strings.HasPrefix(got, "\x1b7\x1b[24;1H") || !strings.HasSuffix(got, "\x1b[K\x1b8") {
		t.Errorf("not drawn at row 24 with the cursor kept: %q", got)
	}
	if strings.Contains(got, "\x1b[2J") {
		t.Errorf("the label reached the terminal raw: %q", got)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(got, "\x1b7\x1b[24;1H"), "\x1b[K\x1b8")
	if n := utf8.RuneCountInString(body); n != 12 {
		t.Errorf("drew %d columns in a width of 12: %q", n, body)
	}
}

// TestDrawingAllocatesNothing: after the first frame the renderer reuses
// its buffer.
func TestDrawingAllocatesNothing(t *testing.T) {
	frame := make([]aioled.Color, 300)
	for i := range frame {
		frame[i] = aioled.Wheel(uint8(i))
	}
	var sink countWriter
	r := New(&sink)
	_ = r.Write(frame)
	if a := testing.AllocsPerRun(100, func() { _ = r.Write(frame) }); a != 0 {
		t.Errorf("%v allocations per frame, want 0", a)
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// BenchmarkRender300: one frame of 300 pixels of a rainbow (a colour
// sequence per pixel, the worst case); frames/s is 1e9 / ns/op.
func BenchmarkRender300(b *testing.B) {
	frame := make([]aioled.Color, 300)
	for i := range frame {
		frame[i] = aioled.Wheel(uint8(i))
	}
	r := New(&countWriter{})
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for i := 0; i < b.N; i++ {
		_ = r.Write(frame)
	}
}
