package control

import "context"

// This file holds the verbs of components whose packages have not landed
// yet; each moves to its own file when it does.

func (in *Interp) hasOptional(c Component) bool { return false }

func (in *Interp) serviceNames() []string { return nil }

func checkLogFlags(c *call) error { return nil }

func notAvailable(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return nil, errorf(CodeNotAvailable, c.verb.Name+": not available")
}

var (
	runLog               = notAvailable
	runScheduleList      = notAvailable
	runScheduleNext      = notAvailable
	runServicesList      = notAvailable
	runServicesStatus    = notAvailable
	runServicesLoad      = notAvailable
	runServicesUnload    = notAvailable
	runServicesEnable    = notAvailable
	runServicesDisable   = notAvailable
	runServicesConfig    = notAvailable
	runServicesGetConfig = notAvailable
	runServicesTraceback = notAvailable
	runBootOrder         = notAvailable
)

func streamLog(ctx context.Context, in *Interp, c *call, fn func(Event) error) error {
	return errorf(CodeNotAvailable, c.verb.Name+": not available")
}
