package aioservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"golang.org/x/sys/unix"
)

// DefaultKillAfter is how long an exec service has to exit after SIGTERM
// before it gets SIGKILL, unless its "stop_timeout" says otherwise.
const DefaultKillAfter = 5 * time.Second

// maxLine is the longest output line logged in one piece.
const maxLine = 16 << 10

// ExecArgs are the arguments of an exec service's task (and of RunCommand).
type ExecArgs struct {
	// Argv is the program and its arguments; the program is looked up in PATH.
	Argv []string `json:"argv"`
	// Dir is the working directory (empty: the program's own).
	Dir string `json:"dir,omitempty"`
	// Env is added to the program's environment.
	Env map[string]string `json:"env,omitempty"`
	// KillAfter is how long after SIGTERM a stop sends SIGKILL.
	KillAfter Duration `json:"kill_after"`
}

// ExitError is the error of a command that exited with a non-zero status.
type ExitError struct {
	Code int
	// Signal is set when the command was killed by a signal: its name,
	// "SIGTERM".
	Signal string
}

// Error gives the command's exit status as a shell user reads it:
// "exit status 3", "killed by SIGTERM".
func (e *ExitError) Error() string {
	if e.Signal != "" {
		return "killed by " + e.Signal
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// signalName is the signal's name as kill -l spells it ("SIGTERM"), or
// its number when it has none.
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return "signal " + strconv.Itoa(int(sig))
}

// RunCommand runs an external command as a task: its stdout and stderr
// lines go to the task's logger (aioctl.Logger(ctx)), each line a record
// with the task's name, stderr ones with stream=stderr. It returns the
// exit status; a non-zero status is an *ExitError. When ctx is cancelled
// (the task is stopped) the command's process group gets SIGTERM, then
// SIGKILL after a.KillAfter. When the command ends, whatever it started
// ends with it: what is left of its process group, and (on Linux) every
// process that inherited its ScopeEnv mark, even in another session. On
// Linux the command also gets SIGKILL if the program dies first (its
// parent-death signal); see Subreaper for the processes it started.
func RunCommand(ctx context.Context, a ExecArgs) (int, error) {
	if len(a.Argv) == 0 || a.Argv[0] == "" {
		return -1, errors.New("exec: no command")
	}
	log := aioctl.Logger(ctx)
	kill := time.Duration(a.KillAfter)
	if kill <= 0 {
		kill = DefaultKillAfter
	}
	cmd := exec.CommandContext(ctx, a.Argv[0], a.Argv[1:]...)
	cmd.Dir = a.Dir
	cmd.Env = os.Environ()
	for k, v := range a.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	// The mark by which the service's processes are found wherever they
	// went (see killScope); os/exec keeps the last value of a repeated key.
	scope := newScope()
	cmd.Env = append(cmd.Env, ScopeEnv+"="+scope)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var killer *time.Timer
	var kmu sync.Mutex
	cmd.Cancel = func() error {
		pid := cmd.Process.Pid
		err := syscall.Kill(-pid, syscall.SIGTERM)
		kmu.Lock()
		killer = time.AfterFunc(kill, func() { syscall.Kill(-pid, syscall.SIGKILL) })
		kmu.Unlock()
		return err
	}
	cmd.WaitDelay = kill + 2*time.Second // a backstop: the timer above kills first
	// The output goes through pipes of our own (not io.Writers, for which
	// Wait would also wait for every process holding the pipes open, such
	// as a child the command left in the background), read to their end
	// once the command and what is left of its process group are gone.
	var pipes [2][2]*os.File
	for i := range pipes {
		r, w, err := os.Pipe()
		if err != nil {
			for _, p := range pipes[:i] {
				p[0].Close()
				p[1].Close()
			}
			return -1, err
		}
		pipes[i] = [2]*os.File{r, w}
	}
	cmd.Stdout, cmd.Stderr = pipes[0][1], pipes[1][1]
	writers := [2]*lineWriter{{log: log}, {log: log, attrs: []any{"stream", "stderr"}}}
	release, err := startCommand(cmd)
	pipes[0][1].Close()
	pipes[1][1].Close()
	if err != nil {
		pipes[0][0].Close()
		pipes[1][0].Close()
		return -1, err
	}
	read := make(chan struct{}, 2)
	for i := range pipes {
		go func() {
			io.Copy(writers[i], pipes[i][0])
			read <- struct{}{}
		}()
	}
	err = cmd.Wait()
	release()
	kmu.Lock()
	if killer != nil {
		killer.Stop()
	}
	kmu.Unlock()
	// Whatever is left of the process group goes with the service, and so
	// do the processes that left it (setsid) but carry its scope.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	killScope(scope)
	// A process that left the group (setsid) may hold a pipe open: read
	// for a moment more, then stop reading.
	backstop := time.NewTimer(kill)
	for range pipes {
		select {
		case <-read:
		case <-backstop.C:
			pipes[0][0].Close()
			pipes[1][0].Close()
			<-read
		}
	}
	backstop.Stop()
	pipes[0][0].Close()
	pipes[1][0].Close()
	writers[0].flush()
	writers[1].flush()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			err = &ExitError{Code: -1, Signal: signalName(ws.Signal())}
		} else {
			err = &ExitError{Code: ee.ExitCode()}
		}
	}
	if err != nil && ctx.Err() != nil {
		// A stop (the task's context cancelled): the command ended because
		// it was told to, which is no failure; the task shows stopped.
		log.Info("stopped: " + err.Error()) // "stopped: killed by SIGTERM"
		if e, ok := err.(*ExitError); ok && e.Signal == "SIGKILL" {
			noteKilled(ctx) // shutdown.go
		}
		return -1, ctx.Err()
	}
	if e, ok := err.(*ExitError); ok {
		return e.Code, e
	}
	if err != nil {
		return -1, err
	}
	return 0, nil
}

// lineWriter logs each complete line written to it.
type lineWriter struct {
	log   *slog.Logger
	attrs []any
	mu    sync.Mutex
	buf   []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			for len(w.buf) >= maxLine {
				w.emit(w.buf[:maxLine])
				w.buf = append(w.buf[:0], w.buf[maxLine:]...)
			}
			break
		}
		if len(w.buf) > 0 {
			w.buf = append(w.buf, p[:i]...)
			w.emit(w.buf)
			w.buf = w.buf[:0]
		} else {
			w.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

func (w *lineWriter) emit(line []byte) {
	s := strings.TrimSuffix(string(line), "\r")
	w.log.Info(s, w.attrs...)
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
}

// execService builds the service an exec entry of the config file declares.
func execService(name string, e *Entry, file string) *Service {
	kill := DefaultKillAfter
	if e.StopTimeout != nil {
		kill = time.Duration(*e.StopTimeout)
	}
	info := e.Info
	if info == "" {
		info = "exec: " + strings.Join(e.Exec.Argv, " ")
	}
	typ := e.Type
	switch {
	case typ != "":
	case e.Schedule != nil: // a command with a schedule runs on it
		typ = Schedule
	default:
		typ = Runtime
	}
	s := Define(name, RunCommand, ExecArgs{Argv: e.Exec.Argv, Dir: e.Exec.Dir, Env: e.Exec.Env, KillAfter: Duration(kill)},
		WithType(typ), WithInfo(info), WithDocs(e.Docs), WithSource(fmt.Sprintf("%s:%d", file, e.line)),
		WithStopTimeout(kill+2*time.Second),
		WithOnLoad(func(ctx context.Context, a ExecArgs) error {
			if a.Dir != "" && strings.Contains(a.Argv[0], "/") {
				return nil // relative to Dir: checked when it runs
			}
			_, err := exec.LookPath(a.Argv[0])
			return err
		}))
	return s
}
