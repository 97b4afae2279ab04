//go:build linux

package aioservice

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// fakeProc is a process as /proc shows it; exec, when set, is what it
// shows from the second pass on (its execve done).
type fakeProc struct {
	environ, cmdline, stat string
	exec                   *fakeProc
}

// fakeProcs runs killMatching's passes over ps and records the kills.
type fakeProcs struct {
	ps     map[int]*fakeProc
	passes int
	killed []int
}

func (f *fakeProcs) procs() procs {
	return procs{
		list: func() []int {
			f.passes++
			if f.passes == 2 {
				for _, p := range f.ps {
					if p.exec != nil {
						*p = *p.exec
					}
				}
			}
			var pids []int
			for pid := range f.ps {
				pids = append(pids, pid)
			}
			slices.Sort(pids)
			return pids
		},
		read: func(pid int, file string) ([]byte, error) {
			p := f.ps[pid]
			if p == nil {
				return nil, os.ErrNotExist
			}
			return []byte(map[string]string{"environ": p.environ, "cmdline": p.cmdline, "stat": p.stat}[file]), nil
		},
		kill: func(pid int) {
			f.killed = append(f.killed, pid)
			delete(f.ps, pid)
		},
	}
}

func fakeStat(pid int, state string, flags int) string {
	return strconv.Itoa(pid) + " (x (y)) " + state + " 1 1 1 0 -1 " + strconv.Itoa(flags) + " 0 0"
}

// A service's process caught in the middle of execve, when its environment
// and command line read empty, is killed all the same: killMatching looks
// again once the exec is done. Before, it was passed over and lived on:
// TestExecEndKillsProcessesThatLeftTheGroup's flake under load (a
// setsid'd "sleep" exec'ing as its service ended).
func TestKillScopeKillsAProcessCaughtInExec(t *testing.T) {
	const mark = ScopeEnv + "=tok/1\x00"
	f := &fakeProcs{ps: map[int]*fakeProc{
		10: {environ: "", cmdline: "", stat: fakeStat(10, "R", 0), exec: &fakeProc{
			environ: "A=1\x00" + mark, cmdline: "sleep\x0099\x00", stat: fakeStat(10, "S", 0)}},
		11: {environ: "", cmdline: "", stat: fakeStat(11, "I", pfKthread)},                    // a kernel thread
		12: {environ: "", cmdline: "", stat: fakeStat(12, "Z", 0)},                            // a zombie
		13: {environ: "A=1\x00", cmdline: "env\x00", stat: fakeStat(13, "S", 0)},              // not the service's
		14: {environ: "", cmdline: "sh\x00", stat: fakeStat(14, "S", 0)},                      // env -i: settled
		15: {environ: ScopeEnv + "=tok/10\x00", cmdline: "x\x00", stat: fakeStat(15, "S", 0)}, // another scope
	}}
	f.procs().killMatching([]byte(mark), time.Minute)
	if !slices.Equal(f.killed, []int{10}) {
		t.Errorf("killed %v, want [10] (the process that was in execve)", f.killed)
	}
	if f.passes > 3 {
		t.Errorf("%d passes: a kernel thread, zombie or settled process kept it looking", f.passes)
	}
}
