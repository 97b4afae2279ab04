package aioservice

import "github.com/aiotools-go/aiotools/aioctl"

// stateWord is a service task's state as List shows it: the task state's
// word, but "failed" for Error, as status and is-active say (SPEC §1: a
// failed service task says "failed").
func stateWord(s aioctl.State) string {
	if s == aioctl.Error {
		return "failed"
	}
	return s.String()
}
