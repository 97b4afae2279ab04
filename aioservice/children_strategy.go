package aioservice

import (
	"context"
	"errors"

	"github.com/aiotools-go/aiotools/aioctl"
)

// SuperviseChildren puts the children that the service running with ctx
// has added so far (NAME.service.*, see AddChild), in the order it added
// them, under an aioctl.Supervisor with spec's strategy and intensity
// (spec.Name defaults to NAME.service). Call it from the service's
// function after adding them. The supervision ends with the service's
// run: when ctx ends, the supervisor is closed (a stop of the service
// restarts nothing). The config file's "children" key, when the service's
// entry has it, replaces spec's Strategy and Intensity.
func SuperviseChildren(ctx context.Context, spec aioctl.SupervisorSpec) (*aioctl.Supervisor, error) {
	m, name, ok := FromContext(ctx)
	if !ok {
		return nil, errors.New("aioservice: SuperviseChildren outside a service's task")
	}
	if spec.Name == "" {
		spec.Name = TaskName(name)
	}
	m.mu.Lock()
	if e := m.entries[name]; e != nil {
		spec = e.st.Children.apply(spec) // the config file's "children" (config_supervision.go)
	}
	m.mu.Unlock()
	sup, err := m.g.Supervise(spec, TaskName(name)+".*")
	if err != nil {
		return nil, &ServiceError{Service: name, Err: err}
	}
	context.AfterFunc(ctx, sup.Close)
	return sup, nil
}
