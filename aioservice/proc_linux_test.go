//go:build linux

package aioservice

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// sleepArg is a duration for sleep(1) that no other process on the machine
// uses, so that the test can find (and count) its own sleeps in /proc.
func sleepArg() string { return strconv.Itoa(3_000_000 + rand.IntN(1_000_000)) }

// sleepers lists the live processes whose command line is "sleep arg".
// Zombies have an empty command line and are not counted: they are gone
// but for their exit status.
func sleepers(arg string) []int {
	want := []byte("sleep\x00" + arg + "\x00")
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Equal(b, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killSleepers ends whatever this test left behind, so that a failing test
// leaves no process on the machine. It kills only the test's own sleeps.
func killSleepers(t *testing.T, arg string) {
	t.Cleanup(func() {
		for _, pid := range sleepers(arg) {
			syscallKill(pid)
		}
	})
}

// pollUntil calls check until it returns nil, for at most timeout; it is
// for conditions outside the test's reach (processes in /proc) that give no
// event to wait on. The pause grows from 1 ms to 50 ms.
func pollUntil(t testing.TB, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after %v: %v", what, timeout, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

func count(arg string, n int) func() error {
	return func() error {
		if got := len(sleepers(arg)); got != n {
			return fmt.Errorf("%d processes \"sleep %s\", want %d", got, arg, n)
		}
		return nil
	}
}

// A command that double-forks a process into a session of its own
// (setsid) loses it from its process group; stopping the service still
// kills it, and Stop returns only once it is gone.
func TestExecStopKillsProcessesThatLeftTheGroup(t *testing.T) {
	arg := sleepArg()
	killSleepers(t, arg)
	script := fmt.Sprintf(`(setsid sh -c 'sleep %s & echo away') & wait; echo ready; exec sleep %s`, arg, arg)
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", script}, KillAfter: Duration(5 * time.Second)})
	c.waitFor(t, "ready")
	pollUntil(t, 10*time.Second, "both sleeps started", count(arg, 2))
	if _, err := task.Group().Stop(t.Context(), "sh.service"); err != nil {
		t.Fatal(err)
	}
	if err := count(arg, 0)(); err != nil {
		t.Fatalf("after Stop: %v", err)
	}
}

// A command that ends leaving a process in a session of its own ends its
// service with it: the service's processes go when the service does.
func TestExecEndKillsProcessesThatLeftTheGroup(t *testing.T) {
	arg := sleepArg()
	killSleepers(t, arg)
	script := fmt.Sprintf(`(setsid sh -c 'sleep %s & echo away') & wait`, arg)
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", script}, KillAfter: Duration(5 * time.Second)})
	c.waitFor(t, "away")
	<-task.Done()
	if task.State() != aioctl.Done {
		t.Fatalf("state %v err %v", task.State(), task.Err())
	}
	if err := count(arg, 0)(); err != nil {
		t.Fatalf("after the service ended: %v", err)
	}
}

// The parent-death signal is tied to the thread that forked the child, not
// to the process (Go issue 27505), and the runtime ends a thread when a
// goroutine locked to it returns. A command started from such a goroutine
// must outlive it, and outlive the thread churn of a busy program.
func TestExecSurvivesTheThreadItWasStartedFrom(t *testing.T) {
	arg := sleepArg()
	killSleepers(t, arg)
	cmd := exec.Command("sleep", arg)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	started := make(chan error, 1)
	var release func()
	var tid int
	var start func()
	start = func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if syscall.Gettid() == syscall.Getpid() {
			// The main thread is never ended, only parked: try another.
			runtime.UnlockOSThread()
			go start()
			return
		}
		tid = syscall.Gettid()
		var err error
		release, err = startCommand(cmd)
		started <- err
	}
	go start()
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	// More threads come and go, as in a busy program.
	for range 4 {
		var wg sync.WaitGroup
		for range 4 * runtime.GOMAXPROCS(0) {
			wg.Go(func() { runtime.LockOSThread() })
		}
		wg.Wait()
	}
	pollUntil(t, 10*time.Second, "the goroutine's thread ended", func() error {
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid)); err == nil {
			return fmt.Errorf("thread %d still there", tid)
		}
		return nil
	})
	if err := count(arg, 1)(); err != nil {
		t.Fatalf("the command died with the thread it was started from: %v", err)
	}
	cmd.Process.Kill()
	err := cmd.Wait()
	release()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("wait: %v", err)
	}
}

func syscallKill(pid int) { _ = syscall.Kill(pid, syscall.SIGKILL) }
