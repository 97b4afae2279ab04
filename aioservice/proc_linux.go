//go:build linux

package aioservice

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Every exec service's main process gets SIGKILL when its parent dies
// (Pdeathsig). The kernel sends it when the *thread* that forked the child
// exits, not the process (Go issue 27505), and the Go runtime ends a thread
// whenever a goroutine locked to it returns: forking from an arbitrary
// goroutine would let an unrelated runtime.LockOSThread elsewhere kill a
// service. So every command is forked from one goroutine locked to its
// thread, which stays alive as long as any command started from it has not
// been waited for; only then does it return, ending a thread that no child
// depends on any more. Its thread being locked, nothing else runs on it.
var forker struct {
	mu  sync.Mutex
	n   int         // commands started and not yet released
	req chan func() // start requests, served by the locked goroutine
}

func forkLoop(req <-chan func()) {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	for f := range req {
		f()
	}
}

// startCommand starts cmd with SIGKILL as its parent-death signal, from the
// forker's thread. Call release once cmd.Wait returned.
func startCommand(cmd *exec.Cmd) (release func(), err error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	forker.mu.Lock()
	if forker.n == 0 {
		forker.req = make(chan func())
		go forkLoop(forker.req)
	}
	forker.n++
	req := forker.req
	forker.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			reaper.mu.Lock()
			if cmd.Process != nil {
				delete(reaper.direct, cmd.Process.Pid)
			}
			reaper.mu.Unlock()
			forker.mu.Lock()
			if forker.n--; forker.n == 0 {
				close(forker.req)
			}
			forker.mu.Unlock()
		})
	}
	done := make(chan error, 1)
	req <- func() { done <- startDirect(cmd) }
	if err := <-done; err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// startDirect starts cmd and records it as a child that os/exec waits for,
// so that the subreaper never reaps it: the reaper's scan and the start
// are serialised by reaper.mu.
func startDirect(cmd *exec.Cmd) error {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	if reaper.direct == nil {
		reaper.direct = map[int]bool{}
	}
	reaper.direct[cmd.Process.Pid] = true
	return nil
}

// reaper is the state of Subreaper.
var reaper struct {
	mu     sync.Mutex
	on     bool
	err    error
	direct map[int]bool // children that an exec.Cmd waits for
	guard  int          // the guard's pid (0 before it starts)
	kick   chan struct{}
	// lifeline is the write end of the guard's pipe: held open for the
	// life of the process (a package variable, so never finalised), its
	// closing at exit, however the process ends, is the guard's cue.
	lifeline *os.File
}

// Subreaper makes this process a child subreaper (PR_SET_CHILD_SUBREAPER)
// and starts a guard process, so that no process of an exec service
// outlives the program, however it ends:
//
//   - a process that an exec service's command leaves behind in a session
//     of its own (setsid, a daemon's double fork) is adopted by this
//     process instead of init, and this process reaps it when it exits;
//   - when the program ends without stopping its services (kill -9, a
//     crash), the guard, a copy of this program waiting for the program's
//     end on a pipe, kills every process that carries one of the program's
//     ScopeEnv values, then exits. Each service's main process also gets
//     SIGKILL from the kernel then (its parent-death signal).
//
// Call it once, early in main, in a program that runs exec services (aiotools
// run and demo do). The guard is the program's executable run again
// (/proc/self/exe) with argv[0] "aioservice-guard": aioservice's init
// recognises it and runs the guard instead of the program (the init
// functions of some other packages may have run before: they should not
// do what a second copy of the program must not). The reaper reaps a child only when it has exited, was not
// started by RunCommand, and is in a process group other than the program's:
// a child that the program starts itself with a process group of its own
// (Setpgid) should be started through RunCommand. Elsewhere than on Linux,
// Subreaper does nothing.
func Subreaper() error {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if reaper.on {
		return reaper.err
	}
	reaper.on = true
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		reaper.err = os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
		return reaper.err
	}
	reaper.kick = make(chan struct{}, 1)
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)
	go func() {
		for {
			select {
			case <-chld:
			case <-reaper.kick:
			}
			reapAdopted()
		}
	}()
	reaper.err = startGuard()
	return reaper.err
}

// reapAdopted reaps the exited children that no exec.Cmd waits for.
func reapAdopted() {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	own := syscall.Getpgrp()
	for _, pid := range children() {
		if reaper.direct[pid] {
			continue
		}
		state, pgrp, ok := procStat(pid)
		if !ok || state != 'Z' || pgrp == own {
			continue
		}
		var ws unix.WaitStatus
		_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}

// children lists this process's child processes, from every thread's
// children file (a child belongs to the thread that forked it, or the
// thread it was reparented to).
func children() []int {
	tasks, _ := os.ReadDir("/proc/self/task")
	var pids []int
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for f := range strings.FieldsSeq(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// procStat returns a process's state letter and process group.
func procStat(pid int) (state byte, pgrp int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return 0, 0, false
	}
	pgrp, err = strconv.Atoi(f[2])
	return f[0][0], pgrp, err == nil
}

// killScope kills every process that carries ScopeEnv=scope, until none is
// left (each pass may meet processes forked during the one before), for at
// most a few seconds. It returns when they are gone, not merely signalled:
// a process is gone for this purpose once its memory is released, as its
// environment can no longer be read then.
func killScope(scope string) {
	killMatching([]byte(ScopeEnv + "=" + scope + "\x00"))
	if reaper.kick != nil {
		select {
		case reaper.kick <- struct{}{}: // reap the ones this process adopted
		default:
		}
	}
}

// hasEntry reports whether the NUL-separated environment env holds an
// entry that starts with want.
func hasEntry(env, want []byte) bool {
	for len(env) > 0 {
		if bytes.HasPrefix(env, want) {
			return true
		}
		i := bytes.IndexByte(env, 0)
		if i < 0 {
			return false
		}
		env = env[i+1:]
	}
	return false
}

// The guard is this program's own executable, started with guardArg0 as
// its argv[0] and the scope token in guardEnv; init recognises it.
const (
	guardArg0 = "aioservice-guard"
	guardEnv  = "AIOSERVICE_GUARD"
)

func init() {
	if tok := os.Getenv(guardEnv); tok != "" && len(os.Args) > 0 && os.Args[0] == guardArg0 {
		runGuard(tok)
		os.Exit(0)
	}
}

// startGuard starts the guard with the read end of a pipe whose write end
// this process keeps until it ends. Called with reaper.mu held.
func startGuard() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{guardArg0}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, ScopeEnv+"=") && !strings.HasPrefix(kv, guardEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, guardEnv+"="+scopeToken())
	cmd.ExtraFiles = []*os.File{r}
	// A process group of its own: a Ctrl-C at the terminal does not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return errors.New("start the exec services' guard: " + err.Error())
	}
	if reaper.direct == nil {
		reaper.direct = map[int]bool{}
	}
	reaper.direct[cmd.Process.Pid] = true
	reaper.guard = cmd.Process.Pid
	reaper.lifeline = w
	go cmd.Wait() //nolint:errcheck // the guard's exit status says nothing
	return nil
}

// runGuard waits for the program that started it to end (its pipe, fd 3,
// reads EOF), then kills the processes of the program's exec services.
func runGuard(token string) {
	// It must outlive the program: signals meant for the program's terminal
	// or for "every aiotools" do not end it; EOF (or SIGKILL) does.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGPIPE)
	_, _ = io.Copy(io.Discard, os.NewFile(3, "lifeline"))
	killMatching([]byte(ScopeEnv + "=" + token + "/"))
}

// KillDescendants kills every process descended from this one but the
// guard (see Subreaper), and returns when they are gone (or after a few
// seconds). Call it last, once the services are stopped (aiotools run
// does): a process of an exec service that cleared ScopeEnv from its
// environment and left for a session of its own (setsid) is out of reach
// of the stop, but the subreaper has adopted it when its parent ended, so
// it is still a descendant. It kills what the program started itself too,
// so it is for the very end of the program. It does nothing unless
// Subreaper was called and succeeded. After kill -9 of the program
// nothing runs to do it: such a process then escapes (see the package
// documentation).
func KillDescendants() {
	reaper.mu.Lock()
	guard, on := reaper.guard, reaper.on && reaper.err == nil
	reaper.mu.Unlock()
	if !on {
		return // no subreaper: nothing was adopted (and a test's children are not ours)
	}
	self := os.Getpid()
	deadline := time.Now().Add(5 * time.Second)
	pause := time.Millisecond
	for {
		live := descendants(self, guard)
		for _, pid := range live {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if len(live) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(pause) // let the kernel tear down what was killed
		pause = min(2*pause, 20*time.Millisecond)
	}
	if reaper.kick != nil {
		select {
		case reaper.kick <- struct{}{}: // reap the ones this process adopted
		default:
		}
	}
}

// descendants lists the live (not zombie) processes descended from root,
// leaving out skip and what descends from it, from /proc.
func descendants(root, skip int) []int {
	kids := map[int][]int{}
	state := map[int]byte{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, ppid, ok := procParent(pid)
		if !ok {
			continue
		}
		kids[ppid] = append(kids[ppid], pid)
		state[pid] = st
	}
	var live []int
	todo := []int{root}
	seen := map[int]bool{root: true}
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, c := range kids[p] {
			if c == skip || seen[c] {
				continue
			}
			seen[c] = true
			todo = append(todo, c)
			if state[c] != 'Z' {
				live = append(live, c)
			}
		}
	}
	return live
}

// procParent returns a process's state letter and parent pid.
func procParent(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(b, ')') // comm may hold spaces and parentheses
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 || len(f[0]) != 1 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0][0], ppid, err == nil
}
