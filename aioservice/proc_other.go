//go:build !linux

package aioservice

import "os/exec"

// startCommand starts cmd. Elsewhere than on Linux there is no parent-death
// signal to set: release does nothing.
func startCommand(cmd *exec.Cmd) (release func(), err error) {
	return func() {}, cmd.Start()
}

// killScope does nothing elsewhere than on Linux, where it finds processes
// by their environment in /proc: the process group is all there is.
func killScope(string) {}

// Subreaper does nothing elsewhere than on Linux (see the Linux version).
func Subreaper() error { return nil }

// KillDescendants does nothing elsewhere than on Linux (see the Linux
// version).
func KillDescendants() {}
