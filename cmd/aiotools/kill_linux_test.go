//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// sleepers lists the live processes "sleep arg" (zombies, whose command
// line is empty, are gone but for their exit status).
func sleepers(arg string) []int {
	want := []byte("sleep\x00" + arg + "\x00")
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil && bytes.Equal(b, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func sleeperCount(arg string, n int) func() error {
	return func() error {
		if got := sleepers(arg); len(got) != n {
			return fmt.Errorf("%d processes \"sleep %s\" (%v), want %d", len(got), arg, got, n)
		}
		return nil
	}
}

// serviceConfig writes a config with three exec services, each leaving
// "sleep arg" processes: one runs sleep itself, one is a shell whose sleep
// is its child, and one double-forks a sleep into a session of its own
// (setsid) before it sleeps itself: four sleeps in all.
func serviceConfig(t *testing.T, dir, arg string) string {
	t.Helper()
	cfg := fmt.Sprintf(`{
  "plain":  {"exec": {"argv": ["sleep", %[1]q]}},
  "shell":  {"exec": {"argv": ["sh", "-c", "sleep %[1]s; echo never"]}},
  "daemon": {"exec": {"argv": ["sh", "-c", "(setsid sh -c 'sleep %[1]s & echo away') & wait; exec sleep %[1]s"]}},
  "watcher": {"enabled": false}
}`, arg)
	path := filepath.Join(dir, "services.config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startRun starts `aiotools run` on cfg and waits until its four sleeps run.
func startRun(t *testing.T, bin, dir, cfg, arg string, i int) *exec.Cmd {
	t.Helper()
	out, err := os.Create(filepath.Join(dir, fmt.Sprintf("out%d.txt", i)))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "run", "-c", cfg, "-socket", filepath.Join(dir, fmt.Sprintf("s%d.sock", i)), "-log-budget", "8192")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "GOMAXPROCS=8") // more threads to come and go
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 20*time.Second, "the services' sleeps started", sleeperCount(arg, 4))
	return cmd
}

func newSleepArg(t *testing.T) string {
	arg := strconv.Itoa(3_000_000 + rand.IntN(1_000_000))
	t.Cleanup(func() { // only what this test started
		for _, pid := range sleepers(arg) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return arg
}

// Killing `aiotools run` with SIGKILL, again and again under load, leaves
// no process of its services behind, grandchildren that left for a session
// of their own included.
func TestRunKill9LeavesNoServiceProcesses(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	arg := newSleepArg(t)
	cfg := serviceConfig(t, dir, arg)
	ctx, stopLoad := context.WithCancel(context.Background())
	var load sync.WaitGroup
	for range runtime.NumCPU() { // a busy machine: forks and exits take their time
		load.Go(func() {
			for ctx.Err() == nil {
			}
		})
	}
	defer func() { stopLoad(); load.Wait() }()
	for i := range 20 {
		cmd := startRun(t, bin, dir, cfg, arg, i)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		pollUntil(t, 10*time.Second, fmt.Sprintf("round %d: no sleep left after kill -9", i), sleeperCount(arg, 0))
	}
}

// SIGTERM stops `aiotools run` cleanly: exit status 0, no process of its
// services left, no socket left.
func TestRunSIGTERMLeavesNoServiceProcesses(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	arg := newSleepArg(t)
	cfg := serviceConfig(t, dir, arg)
	cmd := startRun(t, bin, dir, cfg, arg, 0)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			out, _ := os.ReadFile(filepath.Join(dir, "out0.txt"))
			t.Fatalf("aiotools run: %v\n%s", err, out)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatal("aiotools run did not stop on SIGTERM")
	}
	// Gone when the runner is: not left for its guard to find.
	if err := sleeperCount(arg, 0)(); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out0.txt"))
	if !strings.HasSuffix(string(out), "all services stopped\n") {
		t.Fatalf("did not stop cleanly:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "s0.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
}

// childStates returns the state letters of a process's children, keyed by pid.
func childStates(pid int) map[int]string {
	states := map[int]string{}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, task := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		for _, f := range strings.Fields(string(b)) {
			c, _ := strconv.Atoi(f)
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c))
			if i := bytes.LastIndexByte(stat, ')'); err == nil && i > 0 && i+2 < len(stat) {
				states[c] = string(stat[i+2])
			}
		}
	}
	return states
}

// A process that a service left in a session of its own comes back to the
// runner when its parent exits (the runner is a child subreaper), and when
// it exits in turn the runner reaps it: no zombie is left.
func TestRunReapsWhatItAdopts(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	arg := newSleepArg(t)
	cfg := fmt.Sprintf(`{
  "daemon": {"exec": {"argv": ["sh", "-c", "(setsid sh -c 'sleep 0.3 & echo away') & wait; exec sleep %s"]}},
  "watcher": {"enabled": false}
}`, arg)
	path := filepath.Join(dir, "services.config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-c", path, "-socket", filepath.Join(dir, "s.sock"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pollUntil(t, 20*time.Second, "the service's sleep started", sleeperCount(arg, 1))
	// Its children: the guard and the service's sleep, nothing else (the
	// adopted "sleep 0.3" while it runs, then its zombie unless reaped).
	pollUntil(t, 10*time.Second, "the runner has two live children", func() error {
		states := childStates(cmd.Process.Pid)
		for pid, s := range states {
			if s == "Z" {
				return fmt.Errorf("child %d is a zombie (%v)", pid, states)
			}
		}
		if len(states) != 2 {
			return fmt.Errorf("children %v, want 2", states)
		}
		return nil
	})
}

// A process that clears AIOSERVICE_SCOPE and leaves for a session of its
// own is adopted by the runner when its parent ends; SIGTERM of the runner
// still leaves no process of it behind (the runner kills what it adopted
// once its services are stopped).
func TestRunSIGTERMKillsAnEscapedProcess(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	arg := newSleepArg(t)
	cfg := fmt.Sprintf(`{
  "escape": {"exec": {"argv": ["sh", "-c", "setsid env -u AIOSERVICE_SCOPE sleep %[1]s & sleep %[1]s"]}},
  "watcher": {"enabled": false}
}`, arg)
	path := filepath.Join(dir, "services.config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-c", path, "-socket", filepath.Join(dir, "s.sock"), "-log-budget", "8192")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 20*time.Second, "the service's sleeps started", sleeperCount(arg, 2))
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("aiotools run: %v", err)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatal("aiotools run did not stop on SIGTERM")
	}
	// Gone when the runner is: nothing is left to find it afterwards.
	if err := sleeperCount(arg, 0)(); err != nil {
		t.Fatal(err)
	}
}
