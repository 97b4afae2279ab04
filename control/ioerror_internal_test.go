package control

import (
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/aiotools-go/aiotools/aioservice"
)

// A config edit that cannot be written (a full disk) answers io_error with
// the cause; internal is for bugs.
func TestConfigWriteFailureIsIOError(t *testing.T) {
	err := serviceErr(&aioservice.WriteError{File: "/etc/app/services.config",
		Err: &fs.PathError{Op: "write", Path: "/etc/app/.services.config.tmp-1", Err: syscall.ENOSPC}})
	e := asError(err)
	if e.Code != CodeIOError || !strings.Contains(e.Message, "/etc/app/services.config") || !strings.Contains(e.Message, "no space left on device") {
		t.Errorf("serviceErr = %+v, want io_error naming the file and the cause", e)
	}
}
