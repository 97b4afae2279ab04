//go:build linux

package aioservice

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procs is what killMatching sees of the machine's processes and does to
// them: /proc and kill(2), or a test's fake.
type procs struct {
	list func() []int                               // the pids of /proc
	read func(pid int, file string) ([]byte, error) // /proc/PID/FILE
	kill func(pid int)
}

var sysProcs = procs{
	list: func() []int {
		ents, _ := os.ReadDir("/proc")
		pids := make([]int, 0, len(ents))
		for _, e := range ents {
			if pid, err := strconv.Atoi(e.Name()); err == nil {
				pids = append(pids, pid)
			}
		}
		return pids
	},
	read: func(pid int, file string) ([]byte, error) {
		return os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	},
	kill: func(pid int) { _ = syscall.Kill(pid, syscall.SIGKILL) },
}

// killMatching kills, until none is left, the processes whose environment
// holds the entry want ("KEY=VALUE\x00"), or an entry starting with want
// when want does not end with NUL.
func killMatching(want []byte) { sysProcs.killMatching(want, 5*time.Second) }

// killMatching is killMatching on p, giving up after timeout.
//
// A process in the middle of execve has a moment when its environment
// (and command line) read empty though it is alive: the kernel has given
// it its new memory but not yet copied the environment there. A pass that
// only killed what it saw would miss such a process (a command's child
// exec'ing "sleep" as the command ended), and it would live on with the
// service's mark. So a pass that meets an unsettled process (empty
// environment and command line, not a zombie nor a kernel thread) is
// followed by another, which sees it once its exec is done.
func (p procs) killMatching(want []byte, timeout time.Duration) {
	self := os.Getpid()
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		again := false
		for _, pid := range p.list() {
			if pid == self {
				continue
			}
			env, err := p.read(pid, "environ")
			if err != nil {
				continue // gone, or not ours to read
			}
			if len(env) == 0 {
				again = again || p.unsettled(pid)
				continue
			}
			if hasEntry(env, want) {
				again = true
				p.kill(pid)
			}
		}
		if !again || time.Now().After(deadline) {
			return
		}
		time.Sleep(pause) // let the kernel tear down what was killed, finish an exec
		pause = min(2*pause, 20*time.Millisecond)
	}
}

// pfKthread is the kernel thread flag of /proc/PID/stat's flags field.
const pfKthread = 0x00200000

// unsettled reports whether the process, whose environment read empty, may
// be one in the middle of an exec (or exiting): its command line is empty
// too, it is not a zombie, and not a kernel thread (which has neither,
// always). A process that emptied its own command line and environment is
// taken for one as well, which only costs passes until the timeout.
func (p procs) unsettled(pid int) bool {
	if cl, err := p.read(pid, "cmdline"); err != nil || len(cl) > 0 {
		return false
	}
	b, err := p.read(pid, "stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')') // comm may hold spaces and parentheses
	if i < 0 {
		return false
	}
	// "pid (comm) state ppid pgrp session tty_nr tpgid flags …"
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 7 || f[0] == "Z" || f[0] == "X" {
		return false
	}
	flags, err := strconv.ParseUint(f[6], 10, 64)
	return err == nil && flags&pfKthread == 0
}
