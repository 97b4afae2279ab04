package aioservice

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A service's tasks find their manager and service through their
// context, and only there: the manager wraps each task's function (main
// and children) so that its ctx carries them, as the constructor's ctx
// does. So there is no package-level table of managers, and two managers
// on one group each find their own. aioctl offers no way to give a task's
// context a value at Add; the wrapper is the way that needs nothing of it.
// Its one cost, status naming the wrapper instead of the function the user
// gave, is undone by the manager: it records that function's name per task
// (entry.funcs) and puts it back in its status extension (extendStatus).

type svcKey struct{}

type svcCtx struct {
	m    *Manager
	name string
}

func withService(ctx context.Context, m *Manager, name string) context.Context {
	return context.WithValue(ctx, svcKey{}, svcCtx{m, name})
}

// FromContext returns the manager and the name of the service whose task
// (main or child) or constructor got ctx; ok is false outside a service.
func FromContext(ctx context.Context) (m *Manager, name string, ok bool) {
	c, ok := ctx.Value(svcKey{}).(svcCtx)
	return c.m, c.name, ok
}

// inService returns fn with its ctx carrying the service named name of m.
func inService[A, R any](m *Manager, name string, fn aioctl.Func[A, R]) aioctl.Func[A, R] {
	return func(ctx context.Context, args A) (R, error) { return fn(withService(ctx, m, name), args) }
}

// funcName is the name aioctl's status shows for fn: its full name,
// without the "-fm" of a method value.
func funcName(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return ""
	}
	return strings.TrimSuffix(f.Name(), "-fm")
}

// AddChild adds and starts a child task of the service whose main task
// got ctx, named NAME.service.CHILD. A stopped or failed child of that name
// is replaced; a running one is an error. Children are stopped and removed
// with their service.
func AddChild[A, R any](ctx context.Context, child string, fn aioctl.Func[A, R], args A, opts ...aioctl.Option) (*aioctl.Task, error) {
	m, name, ok := FromContext(ctx)
	if !ok {
		return nil, errors.New("aioservice: AddChild outside a service's task")
	}
	tn := TaskName(name) + "." + child
	if t, ok := m.g.Get(tn); ok {
		if t.State().Active() {
			return nil, &ServiceError{Service: name, Err: fmt.Errorf("child task %s is running", tn)}
		}
		if _, err := m.g.Delete(ctx, tn); err != nil {
			return nil, err
		}
		m.setFunc(name, t, "")
	}
	t, err := aioctl.Add(m.g, inService(m, name, fn), args, append(opts, aioctl.WithName(tn))...)
	if err != nil {
		return nil, err
	}
	m.setFunc(name, t, funcName(fn))
	return t, nil
}

// setFunc records (fn != "") or forgets the function the task t of the
// service named name runs, for extendStatus.
func (m *Manager) setFunc(name string, t *aioctl.Task, fn string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[name]
	if e == nil {
		return
	}
	if fn == "" {
		delete(e.funcs, t)
		return
	}
	if e.funcs == nil {
		e.funcs = map[*aioctl.Task]string{}
	}
	e.funcs[t] = fn
}
