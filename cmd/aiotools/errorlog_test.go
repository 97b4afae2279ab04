package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aiolog"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// lockedOut is a strings.Builder safe for the copy queue's goroutine.
type lockedOut struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *lockedOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *lockedOut) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// TestErrorLogUnwritableReportedOnce: an error log that cannot be written
// (its directory is a file: unwritable for root too) is reported once, and
// logging goes on into the ring.
func TestErrorLogUnwritableReportedOnce(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := &lockedOut{}
	el, opts := openErrorLog(errorLogConfig{File: filepath.Join(notDir, "error.log"), Level: slog.LevelError, Size: 1 << 10}, out)
	ring := aiolog.New(64<<10, opts...)
	log := ring.TaskLogger("db")
	for range 3 {
		log.Error("failure")
		log.Info("fine")
	}
	el.close(ring)
	if n := strings.Count(out.String(), "aiotools: error log "); n != 1 || !strings.Contains(out.String(), "reported once") {
		t.Fatalf("reports:\n%s", out.String())
	}
	if st := ring.Stats(); st.Lines != 6 || st.CopyErrors != 3 {
		t.Fatalf("lines %d, copy errors %d", st.Lines, st.CopyErrors)
	}
	if _, err := el.file().Tail(1); err == nil {
		t.Fatal("errlog reads an error log that cannot exist without an error")
	}
}

// TestRunErrorLogSurvivesRestart: aiotools run copies ERROR lines to
// error.log beside the config (mode 0600), and errlog shows them, also
// after the program has stopped and started again.
func TestRunErrorLogSurvivesRestart(t *testing.T) {
	dir := privateDir(t)
	cfgPath := filepath.Join(dir, "services.config")
	if err := os.WriteFile(cfgPath, []byte(`{
  "boom": {"exec": {"argv": ["sh", "-c", "exit 3"]}, "restart": {"mode": "never"}},
  "watcher": {"enabled": false}
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "run.sock")
	errlog := func(c *client.Client) string {
		res, err := c.ExecLine(context.Background(), "errlog", control.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Error != nil {
			t.Fatalf("errlog: %v", res.Error)
		}
		return res.Text
	}
	for round := range 2 {
		w := &watchWriter{want: []string{"control socket: " + sock}, ready: make(chan struct{})}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		cfg := runConfig{Config: cfgPath, Socket: sock, Name: "runtest", LogBudget: 64 << 10, Out: w,
			ErrorLog: errorLogConfig{File: besideConfig(cfgPath), Level: slog.LevelError, Size: 64 << 10}}
		go func() { errc <- runServices(ctx, cfg) }()
		select {
		case <-w.ready:
		case err := <-errc:
			cancel()
			t.Fatalf("run ended early: %v\n%s", err, w.String())
		case <-time.After(20 * time.Second):
			cancel()
			<-errc
			t.Fatalf("run never served:\n%s", w.String())
		}
		c, err := client.New(client.Options{Socket: sock})
		if err != nil {
			t.Fatal(err)
		}
		// The service fails in each run: one ERROR line per run, written by
		// the copy queue's goroutine (and an exec's exit is external).
		pollUntil(t, 20*time.Second, "errlog shows this run's failure", func() error {
			if n := strings.Count(errlog(c), "[ERROR] [boom.service]"); n < round+1 {
				return errors.New(errlog(c))
			}
			return nil
		})
		if round == 1 {
			// The first run's line: from the file, not from this run's ring.
			res, _ := c.ExecLine(context.Background(), "log ERROR", control.Options{})
			if n := strings.Count(res.Text, "[ERROR] [boom.service]"); n != 1 {
				t.Fatalf("this run's ring holds %d failures:\n%s", n, res.Text)
			}
		}
		cancel()
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "error.log"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 { // logs can hold secrets
		t.Errorf("error.log has mode %04o, want 0600", perm)
	}
}
