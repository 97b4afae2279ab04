package control_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
)

// TestErrlogVerb: errlog prints the error file's lines, the rotated
// file's first, after the ring has evicted them; -n keeps the last N.
func TestErrlogVerb(t *testing.T) {
	f := aiolog.NewRotatingFile(filepath.Join(t.TempDir(), "error.log"), 150)
	ring := aiolog.New(aiolog.MinBudget, aiolog.WithCopy(slog.LevelError, f))
	log := ring.TaskLogger("db")
	for i := range 6 {
		log.Error("failure", slog.Int("n", i))
		log.Info("filler to evict the errors from the ring")
	}
	if err := ring.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	g := aioctl.NewGroup()
	in, err := control.NewInterp(control.Components{Group: g, Log: ring, ErrorLog: f})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	r := in.ExecLine(ctx, "errlog -n 2", control.Options{JSON: true})
	lines, _ := r.Data.([]string)
	if r.Err != nil || len(lines) != 2 || !endsWith(lines[0], "failure n=4") || !endsWith(lines[1], "failure n=5") {
		t.Fatalf("errlog -n 2: %q %v", lines, r.Err)
	}
	r = in.ExecLine(ctx, "errlog", control.Options{})
	if r.Err != nil || len(r.Text) == 0 {
		t.Fatalf("errlog: %q %v", r.Text, r.Err)
	}
	if got, _ := ring.Lines(aiolog.Query{Grep: "failure n=4"}); len(got) != 0 {
		t.Fatal("the ring still holds the line: the test shows nothing")
	}
	none, _ := control.NewInterp(control.Components{Group: g, Log: ring})
	if r := none.ExecLine(ctx, "errlog", control.Options{}); r.Err == nil || r.Err.Code != control.CodeNotAvailable {
		t.Fatalf("without an error log: %v", r.Err)
	}
}

func endsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// TestErrlogRefusesANegativeCount: errlog -n -5 is an error naming the
// flag, as log -n -5 is, not every line of the file.
func TestErrlogRefusesANegativeCount(t *testing.T) {
	f := aiolog.NewRotatingFile(filepath.Join(t.TempDir(), "error.log"), 1<<10)
	ring := aiolog.New(aiolog.MinBudget, aiolog.WithCopy(slog.LevelError, f))
	ring.TaskLogger("db").Error("failure")
	if err := ring.FlushCopy(t.Context()); err != nil {
		t.Fatal(err)
	}
	in, err := control.NewInterp(control.Components{Group: aioctl.NewGroup(), Log: ring, ErrorLog: f})
	if err != nil {
		t.Fatal(err)
	}
	r := in.ExecLine(ctxT(t), "errlog -n -5", control.Options{})
	if r.Err == nil || r.Err.Code != control.CodeBadArgument || !strings.Contains(r.Err.Message, `--lines`) || !strings.Contains(r.Err.Message, `"-5"`) {
		t.Fatalf("errlog -n -5: %q %v", r.Text, r.Err)
	}
}

// TestErrlogWithoutFileSaysWhichFlag: the demo keeps no error log by
// default, and `aioctl errlog` (in the README's list) is what a newcomer
// tries first: the error names the flag of both binaries.
func TestErrlogWithoutFileSaysWhichFlag(t *testing.T) {
	in, err := control.NewInterp(control.Components{Group: aioctl.NewGroup(), Log: aiolog.New(aiolog.MinBudget)})
	if err != nil {
		t.Fatal(err)
	}
	r := in.ExecLine(ctxT(t), "errlog", control.Options{})
	if r.Err == nil || r.Err.Code != control.CodeNotAvailable || !strings.Contains(r.Err.Message, "demo") || !strings.Contains(r.Err.Message, "--error-log") {
		t.Fatalf("errlog: %v", r.Err)
	}
}
