package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// aiotoolsBinary builds this command once per test run, for the tests that
// must kill it as a user would (kill -9 cannot be done in-process).
var aiotoolsBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "aiotools-bin-")
	if err != nil {
		return "", err
	}
	binDir.Store(&dir)
	bin := filepath.Join(dir, "aiotools")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// removeBinary removes the binary aiotoolsBinary built, if any (TestMain
// calls it after the tests).
func removeBinary() {
	if dir := binDir.Load(); dir != nil {
		os.RemoveAll(*dir)
	}
}

// binDir is the directory of the built binary, once there is one.
var binDir atomic.Pointer[string]

func buildAiotools(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the aiotools binary")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build aiotools with")
	}
	bin, err := aiotoolsBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// pollUntil calls check until it returns nil, for at most timeout: for
// processes in /proc, which give no event to wait on.
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
