package aioservice

import (
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A command that leaves a background child holding its output ends when
// the command exits, with the command's status.
func TestExecBackgroundChildDoesNotHoldTheService(t *testing.T) {
	task, c := runExec(t, ExecArgs{Argv: []string{"sh", "-c", "sleep 30 & echo started"}, KillAfter: Duration(3 * time.Second)})
	start := time.Now()
	<-task.Done()
	if task.State() != aioctl.Done || task.Result() != 0 {
		t.Errorf("state %v result %v err %v", task.State(), task.Result(), task.Err())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the service ended %v after its command", d)
	}
	if recs := c.records(); len(recs) != 1 || recs[0].msg != "started" {
		t.Errorf("records %+v", recs)
	}
}
