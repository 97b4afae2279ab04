package control

import "context"

// This file holds the verbs of components whose packages have not landed
// yet; each moves to its own file when it does.

func (in *Interp) hasOptional(c Component) bool {
	switch c {
	case NeedLog:
		return in.c.Log != nil
	}
	return false
}

func (in *Interp) serviceNames() []string { return nil }

func notAvailable(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return nil, errorf(CodeNotAvailable, c.verb.Name+": not available")
}

var (
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
